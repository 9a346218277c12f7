// Sending events: PUT /rooms/{roomId}/send/{eventType}/{txnId}, PUT /rooms/{roomId}/state/...,
// PUT /rooms/{roomId}/redact/{eventId}/{txnId}. Spec: client-server-api "Sending events to a
// room", "Transaction identifiers" (idempotent per device and txnId), "Redactions", "Size
// limits"; m.room.canonical_alias ("the alias must point at this room": M_BAD_ALIAS).
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import { parseRoomAlias } from '../spec/ids.ts';
import type { JsonObject } from '../events/pdu.ts';
import { readPowerLevels, userLevel } from '../events/power-levels.ts';
import type { SendInput } from './api.ts';
import { requireHead, txnScope, type RoomsContext } from './context.ts';
import { validateEventType, validateStateKey } from './validate.ts';
import { TxnTakenError } from './persister.ts';

async function idempotent(
  ctx: RoomsContext,
  r: Requester,
  txnId: string | undefined,
  send: (txn: { userId: string; scope: string; txnId: string } | undefined) => Promise<{ event_id: string }>,
): Promise<{ event_id: string }> {
  if (txnId === undefined) return send(undefined);
  const scope = txnScope(r);
  const key = `${r.userId}\u0000${scope}\u0000${txnId}`;
  // A retried request may arrive while the first is still being persisted: it waits for it.
  const { inFlight } = ctx.txns;
  const pending = inFlight.get(key);
  if (pending) return pending;
  const p = (async () => {
    const existing = await ctx.txns.lookup(r.userId, scope, txnId);
    if (existing) return { event_id: existing };
    try {
      return await send({ userId: r.userId, scope, txnId });
    } catch (e) {
      // Several writers: the persist found the txn id taken (see txn-cache.ts).
      if (e instanceof TxnTakenError) return { event_id: e.eventId };
      throw e;
    }
  })();
  inFlight.set(key, p);
  try {
    return await p;
  } finally {
    inFlight.delete(key);
  }
}

async function checkCanonicalAlias(ctx: RoomsContext, roomId: string, content: Record<string, unknown>): Promise<void> {
  const aliases: unknown[] = [];
  if (content.alias !== undefined && content.alias !== null) aliases.push(content.alias);
  if (content.alt_aliases !== undefined) {
    if (!Array.isArray(content.alt_aliases)) throw new MatrixError('M_INVALID_PARAM', 'alt_aliases must be a list');
    aliases.push(...(content.alt_aliases as unknown[]));
  }
  for (const a of aliases) {
    if (!parseRoomAlias(a)) throw new MatrixError('M_INVALID_PARAM', `Invalid alias: ${String(a)}`);
    // Only local aliases can be checked here; remote ones need a federation query.
    if (!(a as string).endsWith(`:${ctx.serverName}`)) continue;
    const found = await ctx.store.aliasRoom(a as string);
    if (found?.roomId !== roomId) throw new MatrixError('M_BAD_ALIAS', `${a as string} does not point to this room`);
  }
}

export async function sendEvent(ctx: RoomsContext, r: Requester, input: SendInput): Promise<{ event_id: string }> {
  const type = validateEventType(input.type);
  const stateKey = input.stateKey === undefined ? undefined : validateStateKey(input.stateKey);
  await requireHead(ctx, input.roomId);
  if (type === 'm.room.redaction' && stateKey === undefined) {
    const target = input.content.redacts;
    if (typeof target !== 'string') throw new MatrixError('M_INVALID_PARAM', 'm.room.redaction needs content.redacts');
    const { redacts: _ignored, ...rest } = input.content;
    return redact(ctx, r, { roomId: input.roomId, eventId: target, txnId: input.txnId, content: rest });
  }
  if (type === 'm.room.canonical_alias' && stateKey === '') await checkCanonicalAlias(ctx, input.roomId, input.content);
  // Only appservices may choose the timestamp; from anyone else `ts` is ignored.
  const originServerTs = r.appserviceId !== null && input.ts !== undefined ? input.ts : undefined;
  return idempotent(ctx, r, input.txnId, async (txn) => {
    const { events } = await ctx.input.run(input.roomId, (b) => {
      b.add({
        type,
        ...(stateKey !== undefined ? { stateKey } : {}),
        sender: r.userId,
        content: input.content as JsonObject,
        ...(originServerTs !== undefined ? { originServerTs } : {}),
        ...(txn ? { txn } : {}),
      });
    });
    return { event_id: events[0]!.eventId };
  });
}

/**
 * Redactions. From v3 the auth rules leave the "may redact someone else's event" check to the
 * receiving server (rooms/fragments/v3-handling-redactions): a user may redact their own events,
 * or anyone's with the redact power level.
 */
export async function redact(
  ctx: RoomsContext,
  r: Requester,
  input: { roomId: string; eventId: string; txnId: string | undefined; reason?: string; content?: Record<string, unknown> },
): Promise<{ event_id: string }> {
  await requireHead(ctx, input.roomId);
  const [target] = await ctx.store.getEvents([input.eventId]);
  if (target && target.roomId !== input.roomId) throw new MatrixError('M_NOT_FOUND', 'Event not found in this room');
  const content: JsonObject = { ...(input.content as JsonObject | undefined), ...(input.reason !== undefined ? { reason: input.reason } : {}) };
  return idempotent(ctx, r, input.txnId, async (txn) => {
    const { events } = await ctx.input.run(input.roomId, (b) => {
      if (target?.sender !== r.userId) {
        const pl = readPowerLevels(b.state('m.room.power_levels'), b.version);
        if (userLevel(pl, r.userId, b.state('m.room.create'), b.version) < pl.scalars.redact) {
          throw new MatrixError('M_FORBIDDEN', "You may not redact other users' events (below the redact level)");
        }
      }
      b.add({ type: 'm.room.redaction', sender: r.userId, content, redacts: input.eventId, ...(txn ? { txn } : {}) });
    });
    return { event_id: events[0]!.eventId };
  });
}
