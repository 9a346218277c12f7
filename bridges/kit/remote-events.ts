// Remote → Matrix: what a login's client emitted, applied to the portal room as the sender's
// ghost (or, for the user's own messages from another client, their double puppet).
// Dedup: a remote message id already mapped to a Matrix event is skipped (several logins in one
// channel, a reconnect that replays history, a backfill overlapping live messages). Matrix
// transaction ids are derived from the remote ids, so a send retried after a crash is idempotent.
import { createHash } from 'node:crypto';
import type { MessageContent, RemoteEvent, RemoteUser } from './connector.ts';
import { ensureGhost, ghostUserId, joinGhost } from './ghosts.ts';
import { applyChatInfo, ensurePortal, findPortal, setPowerLevels } from './portals.ts';
import type { Kit } from './runtime.ts';
import type { LoginRecord, PortalRecord } from './store.ts';

type MessageEvent = Extract<RemoteEvent, { type: 'message' }>;
const enc = encodeURIComponent;
const txnId = (...parts: string[]): string => 'kit.' + createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

interface Sender {
  readonly userId: string;
  send(type: string, content: Record<string, unknown>, ts: number | undefined, txn: string): Promise<string>;
}

async function senderFor(kit: Kit, login: LoginRecord, portal: PortalRecord, user: RemoteUser): Promise<Sender> {
  if (user.isFromMe) {
    const puppet = kit.doublePuppet(login.matrixUserId);
    if (puppet) return { userId: puppet.userId, send: (type, content, ts, txn) => puppet.send(portal.roomId, type, content, ts, txn) };
  }
  const intent = await ensureGhost(kit, user);
  await joinGhost(kit, intent, portal.roomId);
  return {
    userId: intent.userId,
    send: async (type, content, ts, txn) => {
      const path = `/_matrix/client/v3/rooms/${enc(portal.roomId)}/send/${enc(type)}/${enc(txn)}`;
      const r = (await intent.matrixClient.doRequest('PUT', path, ts !== undefined ? { ts } : null, content)) as { event_id: string };
      return r.event_id;
    },
  };
}

export function toMatrixContent(kit: Kit, chatId: string, content: MessageContent): Record<string, unknown> {
  const out: Record<string, unknown> = { msgtype: `m.${content.kind}`, body: content.body };
  if (content.html !== undefined) {
    out.format = 'org.matrix.custom.html';
    out.formatted_body = content.html;
  }
  const replyTo = content.replyTo !== undefined ? kit.store.matrixEventFor(chatId, content.replyTo) : undefined;
  if (replyTo) out['m.relates_to'] = { 'm.in_reply_to': { event_id: replyTo } };
  return out;
}

/** Sends one remote message into its portal; false when it was already bridged. */
export async function bridgeRemoteMessage(kit: Kit, login: LoginRecord, portal: PortalRecord, m: MessageEvent): Promise<boolean> {
  if (kit.store.matrixEventFor(m.chatId, m.id)) return false;
  const sender = await senderFor(kit, login, portal, m.sender);
  const eventId = await sender.send('m.room.message', toMatrixContent(kit, m.chatId, m.content), m.ts, txnId('msg', m.chatId, m.id));
  await kit.store.mapMessage(m.chatId, m.id, eventId);
  kit.metrics.bridged('remote_to_matrix');
  return true;
}

export async function handleRemoteEvent(kit: Kit, loginId: string, event: RemoteEvent): Promise<void> {
  const login = kit.store.login(loginId);
  if (!login) return;
  if (event.type === 'state') return kit.setLoginState(loginId, event.state, event.message);
  if (event.type === 'profile') {
    await ensureGhost(kit, event.user);
    return;
  }
  // Typing and removals never create a portal; everything else may be the chat's first sign.
  const portal = event.type === 'typing' || event.type === 'reaction_remove' ? findPortal(kit, event.chatId, loginId) : await ensurePortal(kit, login, event.chatId);
  if (!portal) return;
  switch (event.type) {
    case 'message':
      await bridgeRemoteMessage(kit, login, portal, event);
      return;
    case 'edit': {
      const target = kit.store.matrixEventFor(event.chatId, event.targetId);
      if (!target || kit.store.matrixEventFor(event.chatId, event.id)) return;
      const newContent = toMatrixContent(kit, event.chatId, { ...event.content, replyTo: undefined } as MessageContent);
      const content = { ...newContent, body: `* ${event.content.body}`, 'm.new_content': newContent, 'm.relates_to': { rel_type: 'm.replace', event_id: target } };
      const sender = await senderFor(kit, login, portal, event.sender);
      await kit.store.mapMessage(event.chatId, event.id, await sender.send('m.room.message', content, event.ts, txnId('edit', event.chatId, event.id)));
      kit.metrics.bridged('remote_to_matrix');
      return;
    }
    case 'redaction': {
      const target = kit.store.matrixEventFor(event.chatId, event.targetId);
      if (!target) return;
      const sender = await senderFor(kit, login, portal, event.sender);
      const intent = kit.bridge.getIntent(sender.userId);
      const puppet = sender.userId === login.matrixUserId ? kit.doublePuppet(login.matrixUserId) : null;
      if (puppet) await puppet.redact(portal.roomId, target, txnId('redact', target));
      else await intent.matrixClient.redactEvent(portal.roomId, target, event.reason ?? null);
      return;
    }
    case 'reaction': {
      const target = kit.store.matrixEventFor(event.chatId, event.targetId);
      if (!target || kit.store.matrixEventFor(event.chatId, event.id)) return;
      const sender = await senderFor(kit, login, portal, event.sender);
      const content = { 'm.relates_to': { rel_type: 'm.annotation', event_id: target, key: event.key } };
      await kit.store.mapMessage(event.chatId, event.id, await sender.send('m.reaction', content, event.ts, txnId('react', event.chatId, event.id)));
      return;
    }
    case 'reaction_remove': {
      // The reaction's own remote id is unknown here; networks that send removals name the target
      // and key, and mautrix-style connectors emit reactions with id `<target>:<sender>:<key>`.
      const reactionEvent = kit.store.matrixEventFor(event.chatId, `${event.targetId}:${event.sender.id}:${event.key}`);
      if (reactionEvent) await kit.bridge.getIntent(ghostUserId(kit, event.sender)).matrixClient.redactEvent(portal.roomId, reactionEvent, null);
      return;
    }
    case 'typing': {
      if (event.sender.isFromMe) return;
      await kit.bridge.getIntent(ghostUserId(kit, event.sender)).sendTyping(portal.roomId, event.typing);
      return;
    }
    case 'chat_info': {
      const as = event.sender && !event.sender.isFromMe ? await ensureGhost(kit, event.sender) : kit.bot;
      if (as !== kit.bot) await joinGhost(kit, as, portal.roomId);
      await applyChatInfo(kit, portal, event.info, as).catch(async (err: unknown) => {
        // A ghost without the power to change state: the bot makes the change instead.
        kit.log('debug', `chat_info as ${as.userId}: ${(err as Error).message}`);
        await applyChatInfo(kit, findPortal(kit, portal.chatId, loginId) ?? portal, event.info);
      });
      return;
    }
    case 'member': {
      if (event.user.isFromMe) return;
      const intent = await ensureGhost(kit, event.user);
      if (event.membership === 'join') await joinGhost(kit, intent, portal.roomId);
      else if (event.membership === 'leave') {
        kit.joined.delete(`${portal.roomId}\u0000${intent.userId}`);
        await intent.leave(portal.roomId);
      }
      else {
        const kicker = event.by && !event.by.isFromMe ? await ensureGhost(kit, event.by) : kit.bot;
        await kicker.kick(portal.roomId, intent.userId, event.reason).catch(() => kit.bot.kick(portal.roomId, intent.userId, event.reason));
      }
      return;
    }
    case 'power':
      await setPowerLevels(kit, portal.roomId, { [event.user.isFromMe ? login.matrixUserId : ghostUserId(kit, event.user)]: event.powerLevel });
      return;
  }
}
