// Portals: a remote chat ↔ a Matrix room. Created on demand (first remote event, `bridge`, alias
// query) with name, topic, avatar and members from the network; DM portals (isDirect) are scoped
// to the login that sees them and invite the user with is_direct.
import type { ChatInfo, NetworkClient } from './connector.ts';
import { ensureGhost, ghostUserId, joinGhost } from './ghosts.ts';
import { backfill } from './backfill.ts';
import type { Kit } from './runtime.ts';
import type { LoginRecord, PortalRecord } from './store.ts';
import { localpartRegex } from './templates.ts';

const sharedKey = (chatId: string): string => `chat:${chatId}`;
const dmKey = (chatId: string, loginId: string): string => `dm:${loginId}:${chatId}`;

export function findPortal(kit: Kit, chatId: string, loginId: string): PortalRecord | undefined {
  return kit.store.portal(sharedKey(chatId)) ?? kit.store.portal(dmKey(chatId, loginId));
}

const creating = new Map<string, Promise<PortalRecord>>();

/** The chat's portal, created (room, members, backfill) when there is none yet. */
export async function ensurePortal(kit: Kit, login: LoginRecord, chatId: string, opts: { joinable?: boolean } = {}): Promise<PortalRecord> {
  const existing = findPortal(kit, chatId, login.id);
  if (existing) return existing;
  const flight = `${kit.config.name}\u0000${chatId}\u0000${login.id}`;
  let p = creating.get(flight);
  if (!p) {
    p = createPortal(kit, login, chatId, opts.joinable === true).finally(() => creating.delete(flight));
    creating.set(flight, p);
  }
  return p;
}

function clientOf(kit: Kit, login: LoginRecord): NetworkClient {
  const client = kit.clients.get(login.id);
  if (!client) throw new Error(`login ${login.id} is not connected`);
  return client;
}

async function createPortal(kit: Kit, login: LoginRecord, chatId: string, joinable: boolean): Promise<PortalRecord> {
  const client = clientOf(kit, login);
  const info = await client.getChatInfo(chatId);
  const isDirect = info.isDirect === true;
  const initialState: Record<string, unknown>[] = [];
  if (info.topic) initialState.push({ type: 'm.room.topic', state_key: '', content: { topic: info.topic } });
  if (info.avatarUrl) initialState.push({ type: 'm.room.avatar', state_key: '', content: { url: info.avatarUrl } });
  const otherUser = isDirect ? info.members?.find((m) => !m.user.isFromMe)?.user : undefined;
  const { room_id: roomId } = (await kit.bot.createRoom({
    createAsClient: true,
    options: {
      // Alias portals must be joinable by whoever asked; others are invite-only.
      preset: joinable && !isDirect ? 'public_chat' : 'private_chat',
      visibility: 'private',
      ...(info.name && !isDirect ? { name: info.name } : {}),
      ...(isDirect && otherUser ? { name: otherUser.displayName ?? otherUser.id } : {}),
      is_direct: isDirect,
      invite: [login.matrixUserId],
      initial_state: initialState,
      // The bot is the creator (room v12: creators hold unlimited power and may not be listed).
      power_level_content_override: { users: { [login.matrixUserId]: 50 }, events_default: 0, state_default: 50 },
    },
  })) as { room_id: string };
  const portal: PortalRecord = {
    key: isDirect ? dmKey(chatId, login.id) : sharedKey(chatId),
    chatId,
    receiver: isDirect ? login.id : null,
    roomId,
    isDirect,
    ...(info.name !== undefined ? { name: info.name } : {}),
    ...(info.topic !== undefined ? { topic: info.topic } : {}),
    ...(info.avatarUrl !== undefined ? { avatarUrl: info.avatarUrl } : {}),
  };
  await kit.store.putPortal(portal);
  const puppet = kit.doublePuppet(login.matrixUserId);
  if (puppet) await puppet.join(roomId).catch((err: unknown) => kit.log('warn', `double puppet join: ${(err as Error).message}`));
  await syncMembers(kit, portal, info);
  await backfill(kit, login, portal);
  return portal;
}

/** Ghosts of the chat's members join the room, with their power levels. */
export async function syncMembers(kit: Kit, portal: PortalRecord, info: ChatInfo): Promise<void> {
  const levels: Record<string, number> = {};
  for (const member of info.members ?? []) {
    if (member.user.isFromMe) continue;
    const intent = await ensureGhost(kit, member.user);
    await joinGhost(kit, intent, portal.roomId);
    if (member.powerLevel !== undefined) levels[ghostUserId(kit, member.user)] = member.powerLevel;
  }
  if (Object.keys(levels).length > 0) await setPowerLevels(kit, portal.roomId, levels);
}

export async function setPowerLevels(kit: Kit, roomId: string, levels: Record<string, number>): Promise<void> {
  const client = kit.bot.matrixClient;
  const current = (await client.getRoomStateEvent(roomId, 'm.room.power_levels', '')) as { users?: Record<string, number> };
  const users = { ...(current.users ?? {}) };
  let changed = false;
  for (const [u, l] of Object.entries(levels)) {
    if (users[u] !== l) {
      users[u] = l;
      changed = true;
    }
  }
  if (changed) await client.sendStateEvent(roomId, 'm.room.power_levels', '', { ...current, users });
}

/** `sync`: name, topic, avatar and members from the network again. */
export async function syncPortal(kit: Kit, login: LoginRecord, portal: PortalRecord): Promise<void> {
  const info = await clientOf(kit, login).getChatInfo(portal.chatId);
  await applyChatInfo(kit, portal, info);
  await syncMembers(kit, portal, info);
}

export async function applyChatInfo(kit: Kit, portal: PortalRecord, info: Pick<ChatInfo, 'name' | 'topic' | 'avatarUrl'>, as = kit.bot): Promise<void> {
  const next = { ...portal };
  if (info.name !== undefined && info.name !== portal.name && !portal.isDirect) {
    await as.setRoomName(portal.roomId, info.name);
    next.name = info.name;
  }
  if (info.topic !== undefined && info.topic !== portal.topic) {
    await as.setRoomTopic(portal.roomId, info.topic);
    next.topic = info.topic;
  }
  if (info.avatarUrl !== undefined && info.avatarUrl !== portal.avatarUrl) {
    await as.setRoomAvatar(portal.roomId, info.avatarUrl);
    next.avatarUrl = info.avatarUrl;
  }
  await kit.store.putPortal(next);
}

/** Alias query: `#<alias_template>` → the connector's chat, bridged through any connected login. */
export async function portalForAlias(kit: Kit, alias: string): Promise<string | null> {
  if (!kit.connector.chatForAlias) return null;
  const { aliasTemplate } = kit.config.appservice;
  const [prefix = '', suffix = ''] = aliasTemplate.split('{id}');
  const localpart = alias.slice(1, alias.lastIndexOf(':'));
  if (!new RegExp(`^${localpartRegex(aliasTemplate)}$`).test(localpart)) return null;
  const aliasId = localpart.slice(prefix.length, localpart.length - suffix.length);
  const chatId = await kit.connector.chatForAlias(aliasId);
  if (!chatId) return null;
  const login = kit.store.logins().find((l) => l.state === 'connected' && kit.clients.has(l.id));
  if (!login) return null;
  const portal = await ensurePortal(kit, login, chatId, { joinable: true });
  await kit.bot.matrixClient.createRoomAlias(alias, portal.roomId);
  return portal.roomId;
}
