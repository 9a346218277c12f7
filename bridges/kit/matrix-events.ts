// Matrix → remote: events pushed by the hub. Invites of the bot open management rooms; messages
// are commands (management room, or the prefix anywhere) or, in portal rooms, bridged through the
// sender's login — or the portal's relay login, formatted with the relay template. Anything that
// cannot be bridged gets an m.notice reply saying why.
import { allows, permissionOf } from './permissions.ts';
import type { MessageContent, NetworkClient } from './connector.ts';
import { DOUBLE_PUPPET_SOURCE } from './double-puppet.ts';
import { runCommand } from './management.ts';
import type { Kit } from './runtime.ts';
import type { LoginRecord, PortalRecord } from './store.ts';
import { relayText } from './templates.ts';

interface MatrixEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  state_key?: string;
  content: Record<string, unknown>;
  redacts?: string;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export async function handleMatrixEvent(kit: Kit, raw: Record<string, unknown>): Promise<void> {
  const event = raw as unknown as MatrixEvent;
  if (typeof event.sender !== 'string' || typeof event.room_id !== 'string' || typeof event.content !== 'object' || event.content === null) return;
  if (kit.isBridgeUser(event.sender) || event.content[DOUBLE_PUPPET_SOURCE] !== undefined) return;
  if (event.type === 'm.room.member' && event.state_key === kit.botUserId && event.content.membership === 'invite') return onBotInvite(kit, event);
  if (event.type === 'm.room.message') return onMessage(kit, event);
  const portal = kit.store.portalByRoom(event.room_id);
  if (!portal) return;
  if (event.type === 'm.room.redaction' || event.type === 'm.reaction' || event.type === 'm.room.topic') return onPortalAction(kit, portal, event);
}

async function onBotInvite(kit: Kit, event: MatrixEvent): Promise<void> {
  const level = permissionOf(kit.config.bridge.permissions, event.sender);
  if (!allows(level, 'relay')) {
    await kit.bot.leave(event.room_id, 'You do not have permission to use this bridge.').catch(() => undefined);
    return;
  }
  await kit.bot.join(event.room_id);
  if (event.content.is_direct === true) {
    await kit.store.setManagementRoom(event.sender, event.room_id);
    await kit.notice(event.room_id, `Hello! This is the ${kit.connector.displayName} bridge. Send "help" for the commands.`);
  }
}

async function onMessage(kit: Kit, event: MatrixEvent): Promise<void> {
  const body = typeof event.content.body === 'string' ? event.content.body : '';
  const inManagement = kit.store.managementRoom(event.sender) === event.room_id;
  const session = kit.loginSessions.get(event.sender);
  if (inManagement && session && session.pending.length > 0 && body.trim().toLowerCase() !== 'cancel') return session.answer(body.trim());
  if (await runCommand(kit, event.sender, event.room_id, event.event_id, body, inManagement)) return;
  const portal = kit.store.portalByRoom(event.room_id);
  if (portal) await bridgeMessage(kit, portal, event);
}

/** The client and login that speak for `userId` in this portal, or the reason there is none. */
function speakerFor(kit: Kit, portal: PortalRecord, userId: string): { client: NetworkClient; login: LoginRecord; relayed: boolean } | string {
  const level = permissionOf(kit.config.bridge.permissions, userId);
  if (!allows(level, 'relay')) return 'You do not have permission to use this bridge.';
  const own = allows(level, 'user') ? kit.loginFor(userId, portal.receiver) : undefined;
  if (own) return { client: kit.clients.get(own.id)!, login: own, relayed: false };
  const relay = portal.relayLoginId ? kit.store.login(portal.relayLoginId) : undefined;
  if (kit.config.bridge.relay.enabled && relay && kit.clients.has(relay.id)) return { client: kit.clients.get(relay.id)!, login: relay, relayed: true };
  return `You are not logged in to ${kit.connector.displayName}${kit.config.bridge.relay.enabled ? ' and this room has no relay' : ''}: send "login" to the bridge bot.`;
}

async function displayName(kit: Kit, roomId: string, userId: string): Promise<string> {
  try {
    const m = (await kit.bot.matrixClient.getRoomStateEvent(roomId, 'm.room.member', userId)) as { displayname?: string };
    return m.displayname ?? userId;
  } catch {
    return userId;
  }
}

async function bridgeMessage(kit: Kit, portal: PortalRecord, event: MatrixEvent): Promise<void> {
  const fail = async (why: string): Promise<void> => {
    kit.metrics.failed('matrix_to_remote');
    await kit.notice(event.room_id, `Your message was not bridged: ${why}`, event.event_id);
  };
  const speaker = speakerFor(kit, portal, event.sender);
  if (typeof speaker === 'string') return fail(speaker);
  const c = event.content;
  const msgtype = String(c.msgtype ?? '');
  const kind = ({ 'm.text': 'text', 'm.emote': 'emote', 'm.notice': 'notice' } as const)[msgtype as 'm.text'];
  if (!kind) return fail(`${msgtype || 'this kind of'} message is not supported by ${kit.connector.displayName}.`);
  const relates = c['m.relates_to'] as { rel_type?: string; event_id?: string; 'm.in_reply_to'?: { event_id?: string } } | undefined;
  const newContent = (relates?.rel_type === 'm.replace' ? c['m.new_content'] : c) as Record<string, unknown>;
  let body = String(newContent.body ?? '');
  let html = newContent.format === 'org.matrix.custom.html' && typeof newContent.formatted_body === 'string' ? newContent.formatted_body : undefined;
  const { relay } = kit.config.bridge;
  if (speaker.relayed) {
    const name = await displayName(kit, event.room_id, event.sender);
    body = relayText(relay.template, { displayname: name, userid: event.sender, message: body });
    html = relayText(relay.htmlTemplate, { displayname: escapeHtml(name), userid: escapeHtml(event.sender), message: html ?? escapeHtml(body) });
  }
  const replyTo = relates?.['m.in_reply_to']?.event_id ? kit.store.remoteFor(relates['m.in_reply_to'].event_id)?.remoteId : undefined;
  const content: MessageContent = { kind, body, ...(html !== undefined ? { html } : {}), ...(replyTo !== undefined ? { replyTo } : {}) };
  try {
    if (relates?.rel_type === 'm.replace') {
      const target = relates.event_id ? kit.store.remoteFor(relates.event_id) : undefined;
      if (!target) return fail('the edited message is not known to the bridge.');
      if (!speaker.client.editMessage) return fail(`${kit.connector.displayName} has no message edits.`);
      await speaker.client.editMessage(portal.chatId, target.remoteId, content);
    } else {
      const sent = await speaker.client.sendMessage({
        ...content,
        chatId: portal.chatId,
        matrixEventId: event.event_id,
        ...(speaker.relayed ? { relayedFor: { userId: event.sender, displayName: await displayName(kit, event.room_id, event.sender) } } : {}),
      });
      await kit.store.mapMessage(portal.chatId, sent.id, event.event_id);
    }
    kit.metrics.bridged('matrix_to_remote');
  } catch (err) {
    await fail((err as Error).message);
  }
}

async function onPortalAction(kit: Kit, portal: PortalRecord, event: MatrixEvent): Promise<void> {
  const speaker = speakerFor(kit, portal, event.sender);
  if (typeof speaker === 'string' || speaker.relayed) return;
  const { client } = speaker;
  try {
    if (event.type === 'm.room.redaction') {
      const target = event.redacts ?? (event.content.redacts as string | undefined);
      const remote = target ? kit.store.remoteFor(target) : undefined;
      if (remote && client.redactMessage) await client.redactMessage(portal.chatId, remote.remoteId);
    } else if (event.type === 'm.reaction') {
      const rel = event.content['m.relates_to'] as { event_id?: string; key?: string } | undefined;
      const remote = rel?.event_id ? kit.store.remoteFor(rel.event_id) : undefined;
      if (remote && rel?.key && client.react) await client.react(portal.chatId, remote.remoteId, rel.key);
    } else if (event.type === 'm.room.topic' && client.setTopic && typeof event.content.topic === 'string') {
      await client.setTopic(portal.chatId, event.content.topic);
    }
  } catch (err) {
    kit.metrics.failed('matrix_to_remote');
    await kit.notice(event.room_id, `Could not bridge your ${event.type}: ${(err as Error).message}`, event.event_id);
  }
}

/** m.typing for a portal room: each Matrix user who started or stopped typing, through their own login. */
export async function handleTyping(kit: Kit, edu: Record<string, unknown>): Promise<void> {
  if (edu.type !== 'm.typing' || typeof edu.room_id !== 'string') return;
  const portal = kit.store.portalByRoom(edu.room_id);
  if (!portal) return;
  const ids = (edu.content as { user_ids?: unknown } | undefined)?.user_ids;
  const now = new Set((Array.isArray(ids) ? ids : []).filter((u): u is string => typeof u === 'string' && !kit.isBridgeUser(u)));
  const before = kit.typing.get(portal.roomId) ?? new Set<string>();
  kit.typing.set(portal.roomId, now);
  for (const userId of new Set([...now, ...before])) {
    if (now.has(userId) === before.has(userId)) continue;
    const login = allows(permissionOf(kit.config.bridge.permissions, userId), 'user') ? kit.loginFor(userId, portal.receiver) : undefined;
    const client = login ? kit.clients.get(login.id) : undefined;
    await client?.setTyping?.(portal.chatId, now.has(userId));
  }
}
