// Stored events in the Client-Server "ClientEvent" format (client-server-api "Room Events":
// event_id, type, content, sender, origin_server_ts, room_id, state_key, unsigned). unsigned
// carries age, transaction_id (only to the device that sent it), prev_content and
// redacted_because; read paths add relations.
import type { StoredEvent } from './api.ts';

export interface ClientEventOptions {
  /** The requester's device scope (txnScope): transaction_id is shown only to it. */
  readonly scope?: string;
  readonly userId?: string;
  readonly now?: number;
  readonly prevContent?: Record<string, unknown>;
  readonly redactedBecause?: Record<string, unknown>;
  /** Leave room_id out (the /sync timeline form, ClientEventWithoutRoomID). */
  readonly withoutRoomId?: boolean;
}

export function toClientEvent(ev: StoredEvent, opts: ClientEventOptions = {}): Record<string, unknown> {
  const unsigned: Record<string, unknown> = { age: Math.max(0, (opts.now ?? Date.now()) - ev.originServerTs) };
  if (ev.txn && opts.scope !== undefined && opts.userId === ev.sender && ev.txn.scope === opts.scope) unsigned.transaction_id = ev.txn.txnId;
  if (opts.prevContent) unsigned.prev_content = opts.prevContent;
  if (ev.replacesState) unsigned.replaces_state = ev.replacesState;
  if (opts.redactedBecause) unsigned.redacted_because = opts.redactedBecause;
  const out: Record<string, unknown> = {
    event_id: ev.eventId,
    type: ev.type,
    content: ev.content,
    sender: ev.sender,
    origin_server_ts: ev.originServerTs,
    unsigned,
  };
  if (!opts.withoutRoomId) out.room_id = ev.roomId;
  if (ev.stateKey !== null) out.state_key = ev.stateKey;
  if (ev.redacts !== null && !ev.redactedBy) out.redacts = ev.redacts;
  return out;
}
