// An in-memory chat network implementing the bridge kit's connector, for driving the kit end to
// end. The test plays the network's other users through `LoopbackNetwork` (say, setTopic, join,
// rename, drop), and reads what Matrix users sent in `sent`. Logins: flow "password" (user_input:
// username + password, wrong password → error) and flow "code" (display_and_wait: the test calls
// approve(code)). A login's remote user id is its username.
import type {
  ChatInfo, ClientContext, Json, LoginProcess, LoginStep, MessageContent, NetworkClient, NetworkConnector, OutgoingMessage, RemoteEvent, RemoteUser,
} from '../../bridges/kit/index.ts';
import { defineBridge } from '../../bridges/kit/index.ts';

export interface LoopChat {
  id: string;
  name: string;
  topic: string;
  members: string[];
  ops: string[];
  isDirect: boolean;
  history: Array<{ id: string; sender: string; body: string; ts: number }>;
}

export interface Sent extends OutgoingMessage {
  readonly by: string;
}

type Emit = (event: RemoteEvent) => void;

export class LoopbackNetwork {
  readonly chats = new Map<string, LoopChat>();
  readonly names = new Map<string, string>();
  readonly sent: Sent[] = [];
  readonly typing: Array<{ chatId: string; by: string; typing: boolean }> = [];
  readonly passwords = new Map<string, string>();
  /** Connected clients by remote user id. */
  readonly online = new Map<string, Emit>();
  failNextSend: string | null = null;
  readonly pendingCodes = new Map<string, (username: string) => void>();
  seq = 0;

  user(id: string, isFromMe = false): RemoteUser {
    return { id, displayName: this.names.get(id) ?? id, ...(isFromMe ? { isFromMe } : {}) };
  }

  addChat(chat: Partial<LoopChat> & { id: string; members: string[] }): LoopChat {
    const full: LoopChat = { name: chat.id, topic: '', ops: [], isDirect: false, history: [], ...chat };
    this.chats.set(chat.id, full);
    return full;
  }

  chat(id: string): LoopChat {
    const c = this.chats.get(id);
    if (!c) throw new Error(`no chat ${id}`);
    return c;
  }

  private toMembers(chatId: string, make: (viewer: string) => RemoteEvent): void {
    for (const member of this.chat(chatId).members) this.online.get(member)?.(make(member));
  }

  /** A remote user says something; every online member's login sees it. Returns the message id. */
  say(chatId: string, sender: string, body: string, opts: { kind?: MessageContent['kind']; html?: string; ts?: number; id?: string } = {}): string {
    const id = opts.id ?? `m${++this.seq}`;
    const ts = opts.ts ?? Date.now();
    this.chat(chatId).history.push({ id, sender, body, ts });
    const content: MessageContent = { kind: opts.kind ?? 'text', body, ...(opts.html ? { html: opts.html } : {}) };
    this.toMembers(chatId, (viewer) => ({ type: 'message', chatId, id, sender: this.user(sender, sender === viewer), content, ts }));
    return id;
  }

  setTopic(chatId: string, by: string, topic: string): void {
    this.chat(chatId).topic = topic;
    this.toMembers(chatId, (viewer) => ({ type: 'chat_info', chatId, sender: this.user(by, by === viewer), info: { topic } }));
  }

  join(chatId: string, userId: string): void {
    this.chat(chatId).members.push(userId);
    this.toMembers(chatId, (viewer) => ({ type: 'member', chatId, user: this.user(userId, userId === viewer), membership: 'join' }));
  }

  rename(userId: string, displayName: string): void {
    this.names.set(userId, displayName);
    for (const emit of this.online.values()) emit({ type: 'profile', user: this.user(userId) });
  }

  drop(userId: string, state: 'transient_disconnect' | 'bad_credentials', message: string): void {
    this.online.get(userId)?.({ type: 'state', state, message });
  }

  approve(code: string, username: string): void {
    this.pendingCodes.get(code)?.(username);
  }

  connector(): NetworkConnector {
    return connectorFor(this);
  }
}

function connectorFor(net: LoopbackNetwork): NetworkConnector {
  return {
    displayName: 'Loopback',
    version: '1.0',
    loginFlows: [
      { id: 'password', name: 'Password', description: 'Username and password' },
      { id: 'code', name: 'Code', description: 'Approve a code from another device' },
    ],
    startLogin(flowId): LoginProcess {
      if (flowId === 'code') {
        const code = `CODE-${++net.seq}`;
        let resolve!: (username: string) => void;
        const approved = new Promise<string>((r) => (resolve = r));
        net.pendingCodes.set(code, resolve);
        return {
          start: async () => ({ type: 'display_and_wait', instructions: 'Approve this code on your other device.', display: { type: 'code', data: code } }),
          wait: async () => {
            const username = await approved;
            return { type: 'complete', remoteId: username, remoteName: net.names.get(username) ?? username, metadata: { username } };
          },
        };
      }
      return {
        start: async () => ({
          type: 'user_input',
          instructions: 'Log in to Loopback.',
          fields: [
            { id: 'username', name: 'Username' },
            { id: 'password', name: 'Password' },
          ],
        }),
        submit: async (v): Promise<LoginStep> =>
          net.passwords.get(v.username!) === v.password
            ? { type: 'complete', remoteId: v.username!, remoteName: net.names.get(v.username!) ?? v.username!, metadata: { username: v.username! } }
            : { type: 'error', message: 'wrong username or password' },
      };
    },
    chatForAlias: async (aliasId) => (net.chats.has(aliasId) ? aliasId : null),
    createClient: (ctx: ClientContext) => new LoopClient(net, ctx),
  };
}

class LoopClient implements NetworkClient {
  private readonly net: LoopbackNetwork;
  private readonly ctx: ClientContext;
  private readonly me: string;

  constructor(net: LoopbackNetwork, ctx: ClientContext) {
    this.net = net;
    this.ctx = ctx;
    this.me = (ctx.metadata as { username: string }).username;
  }

  async connect(): Promise<void> {
    this.net.online.set(this.me, (e) => this.ctx.emit(e));
  }

  async disconnect(): Promise<void> {
    this.net.online.delete(this.me);
  }

  async getChatInfo(chatId: string): Promise<ChatInfo> {
    const c = this.net.chat(chatId);
    return {
      name: c.name,
      topic: c.topic,
      isDirect: c.isDirect,
      members: c.members.map((m) => ({ user: this.net.user(m, m === this.me), ...(c.ops.includes(m) ? { powerLevel: 50 } : {}) })),
    };
  }

  async resolveChat(identifier: string): Promise<string | null> {
    return this.net.chats.has(identifier) ? identifier : null;
  }

  async sendMessage(message: OutgoingMessage): Promise<{ id: string; ts?: number }> {
    if (this.net.failNextSend) {
      const why = this.net.failNextSend;
      this.net.failNextSend = null;
      throw new Error(why);
    }
    if (!this.net.chat(message.chatId).members.includes(this.me)) throw new Error(`${this.me} is not in ${message.chatId}`);
    this.net.sent.push({ ...message, by: this.me });
    return { id: `out-${this.net.sent.length}` };
  }

  async setTyping(chatId: string, typing: boolean): Promise<void> {
    this.net.typing.push({ chatId, by: this.me, typing });
  }

  async fetchBackfill(chatId: string, options: { limit: number }): Promise<Array<Extract<RemoteEvent, { type: 'message' }>>> {
    return this.net
      .chat(chatId)
      .history.slice(-options.limit)
      .map((h) => ({ type: 'message', chatId, id: h.id, sender: this.net.user(h.sender, h.sender === this.me), content: { kind: 'text', body: h.body }, ts: h.ts }));
  }

  async ping(): Promise<string> {
    return `pong from ${this.me}`;
  }
}

/** A BridgeModule for the loopback network; the test owns the network. */
export function loopbackBridge(net: LoopbackNetwork) {
  return defineBridge<{ greeting: string; meta: Json }>({
    network: 'loop',
    configSchema: (s) => {
      s.only('greeting');
      return { greeting: s.string('greeting', 'hi'), meta: null };
    },
    defaultNetworkConfig: () => ({ greeting: 'hi' }),
    createConnector: () => net.connector(),
  });
}
