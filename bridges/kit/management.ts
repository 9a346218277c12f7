// Management commands: parse (commands.ts) → check permission → act → one clear reply. In the
// management room every message is a command; elsewhere only prefixed ones are.
import { helpText, parseCommand } from './commands.ts';
import { allows, permissionOf } from './permissions.ts';
import { logout, startLogin } from './logins.ts';
import { findPortal, syncMembers, syncPortal } from './portals.ts';
import { KIT_VERSION, type Kit } from './runtime.ts';

/** True when the message was a command (answered), false when it is an ordinary message. */
export async function runCommand(kit: Kit, userId: string, roomId: string, eventId: string, body: string, inManagement: boolean): Promise<boolean> {
  const prefix = kit.config.bridge.commandPrefix;
  const parsed = parseCommand(body, prefix, inManagement);
  if (parsed.kind === 'not_a_command') return false;
  const reply = (text: string): Promise<void> => kit.notice(roomId, text, eventId);
  if (parsed.kind === 'unknown') {
    await reply(`Unknown command "${parsed.name}". Send "${inManagement ? '' : prefix + ' '}help" for the list.`);
    return true;
  }
  if (parsed.kind === 'missing_args') {
    await reply(`Usage: ${parsed.spec.name} ${parsed.spec.args}`);
    return true;
  }
  const { spec, args } = parsed;
  const level = permissionOf(kit.config.bridge.permissions, userId);
  if (!allows(level, spec.level)) {
    await reply(`You do not have permission to use "${spec.name}" (needs ${spec.level}, you have ${level}).`);
    return true;
  }
  try {
    await commands[spec.name as keyof typeof commands](kit, { userId, roomId, args, reply, inManagement });
  } catch (err) {
    await reply(`${spec.name} failed: ${(err as Error).message}`);
  }
  return true;
}

interface Ctx {
  userId: string;
  roomId: string;
  args: string[];
  inManagement: boolean;
  reply(text: string): Promise<void>;
}

function stateLine(kit: Kit, id: string): string {
  const l = kit.store.login(id)!;
  return `${l.id} (${l.remoteName}): ${l.state.replace('_', ' ')}${l.stateMessage ? ` — ${l.stateMessage}` : ''}`;
}

function connectedLogin(kit: Kit, userId: string, receiver: string | null = null) {
  const login = kit.loginFor(userId, receiver);
  if (!login) throw new Error(`you are not logged in to ${kit.connector.displayName} (send "login").`);
  return login;
}

function portalHere(kit: Kit, roomId: string) {
  const portal = kit.store.portalByRoom(roomId);
  if (!portal) throw new Error('this room is not a portal.');
  return portal;
}

const commands = {
  help: (kit: Kit, c: Ctx) => c.reply(helpText(kit.config.bridge.commandPrefix)),
  version: (kit: Kit, c: Ctx) =>
    c.reply(`${kit.config.name}: Switchyard bridge kit ${KIT_VERSION}, ${kit.connector.displayName} connector ${kit.connector.version ?? '(no version)'}`),
  ping: async (kit: Kit, c: Ctx) => {
    const mine = kit.store.logins(c.userId);
    if (mine.length === 0) return c.reply('You are not logged in.');
    const lines = await Promise.all(
      mine.map(async (l) => {
        const client = kit.clients.get(l.id);
        const pong = client?.ping ? await client.ping().catch((err: unknown) => `error: ${(err as Error).message}`) : null;
        return stateLine(kit, l.id) + (pong ? ` (${pong})` : '');
      }),
    );
    return c.reply(lines.join('\n'));
  },
  'list-logins': (kit: Kit, c: Ctx) => {
    const mine = kit.store.logins(c.userId);
    return c.reply(mine.length === 0 ? 'You have no logins.' : mine.map((l) => stateLine(kit, l.id)).join('\n'));
  },
  login: async (kit: Kit, c: Ctx) => {
    if (!c.inManagement) throw new Error('log in from your private chat with the bridge bot.');
    const flows = kit.connector.loginFlows;
    const flowId = c.args[0] ?? (flows.length === 1 ? flows[0]!.id : undefined);
    if (!flowId) return c.reply('Login flows:\n' + flows.map((f) => `${f.id} — ${f.name}: ${f.description}`).join('\n') + '\nSend "login <flow>".');
    if (!flows.some((f) => f.id === flowId)) throw new Error(`unknown login flow "${flowId}" (flows: ${flows.map((f) => f.id).join(', ')}).`);
    kit.loginSessions.get(c.userId)?.cancel();
    await startLogin(kit, c.userId, c.roomId, flowId);
  },
  cancel: (kit: Kit, c: Ctx) => {
    const session = kit.loginSessions.get(c.userId);
    if (!session) return c.reply('No login in progress.');
    session.cancel();
    return c.reply('Login cancelled.');
  },
  logout: async (kit: Kit, c: Ctx) => {
    const login = kit.store.login(c.args[0]!);
    if (!login || login.matrixUserId !== c.userId) throw new Error(`you have no login "${c.args[0]}" (see list-logins).`);
    await logout(kit, login.id);
    await c.reply(`Logged out ${login.remoteName}.`);
  },
  bridge: async (kit: Kit, c: Ctx) => {
    if (c.inManagement) throw new Error('run it in the room to bridge (invite the bridge bot there first).');
    if (kit.store.portalByRoom(c.roomId)) throw new Error('this room is already a portal (unbridge first).');
    const login = connectedLogin(kit, c.userId);
    const client = kit.clients.get(login.id)!;
    const chatId = client.resolveChat ? await client.resolveChat(c.args.join(' ')) : c.args.join(' ');
    if (!chatId) throw new Error(`no chat "${c.args.join(' ')}" on ${kit.connector.displayName}.`);
    if (findPortal(kit, chatId, login.id)) throw new Error(`${chatId} is already bridged to another room.`);
    const info = await client.getChatInfo(chatId);
    const portal = { key: info.isDirect ? `dm:${login.id}:${chatId}` : `chat:${chatId}`, chatId, receiver: info.isDirect ? login.id : null, roomId: c.roomId, isDirect: info.isDirect === true };
    await kit.store.putPortal(portal);
    await syncMembers(kit, portal, info);
    await c.reply(`This room is now bridged to ${info.name ?? chatId}.`);
  },
  unbridge: async (kit: Kit, c: Ctx) => {
    const portal = portalHere(kit, c.roomId);
    await kit.store.deletePortal(portal.key);
    await c.reply(`This room is no longer bridged to ${portal.name ?? portal.chatId}.`);
  },
  'set-relay': async (kit: Kit, c: Ctx) => {
    const portal = portalHere(kit, c.roomId);
    if (c.args[0] === 'off') {
      const { relayLoginId: _gone, ...rest } = portal;
      await kit.store.putPortal(rest);
      return c.reply('Relay mode is off in this room.');
    }
    if (!kit.config.bridge.relay.enabled) throw new Error('relay mode is disabled in the bridge config (bridge.relay.enabled).');
    const login = connectedLogin(kit, c.userId, portal.receiver);
    await kit.store.putPortal({ ...portal, relayLoginId: login.id });
    await c.reply(`Messages of users without a login are now relayed through ${login.remoteName}.`);
  },
  sync: async (kit: Kit, c: Ctx) => {
    const here = kit.store.portalByRoom(c.roomId);
    const portals = here ? [here] : kit.store.portals().filter((p) => kit.loginFor(c.userId, p.receiver));
    for (const portal of portals) await syncPortal(kit, connectedLogin(kit, c.userId, portal.receiver), portal);
    await c.reply(`Synced ${portals.length} portal${portals.length === 1 ? '' : 's'}.`);
  },
};
