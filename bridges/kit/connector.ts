// The seam each network implements (IRC, Discord, Telegram, WhatsApp). The kit owns everything
// Matrix-side (rooms, ghosts, logins, commands, state, storage); a connector only speaks its
// network. One `NetworkConnector` per bridge instance; one `NetworkClient` per login (a puppeted
// user connection, or the relay bot's connection). Ids are the network's own strings; the kit
// never parses them.

/** JSON-safe values a connector may keep in the bridge store (credentials, cursors). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A remote user as the network names it. */
export interface RemoteUser {
  /** Stable id on the network (IRC: nick or account, Discord: snowflake). */
  readonly id: string;
  /** Extra ghost template fields (e.g. `{ network: 'libera' }` for `irc_{network}_{id}`). */
  readonly parts?: Readonly<Record<string, string>>;
  readonly displayName?: string;
  /** mxc:// URI (the connector uploads) or undefined to leave the avatar alone. */
  readonly avatarUrl?: string;
  /** True when this is the logged-in user themself (message echoed from another client). */
  readonly isFromMe?: boolean;
}

export interface ChatMember {
  readonly user: RemoteUser;
  /** Matrix power level the member should have (ops → 50/100). Omit to leave as is. */
  readonly powerLevel?: number;
}

export interface ChatInfo {
  readonly name?: string;
  readonly topic?: string;
  readonly avatarUrl?: string;
  /** A private chat with one remote user: a DM portal, scoped to the login that sees it. */
  readonly isDirect?: boolean;
  readonly members?: readonly ChatMember[];
}

/** Message content in both directions. `html` is org.matrix.custom.html. */
export interface MessageContent {
  readonly kind: 'text' | 'emote' | 'notice';
  readonly body: string;
  readonly html?: string;
  /** Remote id of the message this one replies to. */
  readonly replyTo?: string;
}

/** What a login's connection reports about itself (mautrix's bridge states). */
export type LoginState = 'connecting' | 'connected' | 'transient_disconnect' | 'bad_credentials' | 'logged_out';

/** Events a network client pushes to the kit (remote → Matrix). `ts` is the network's time (ms). */
export type RemoteEvent =
  | { type: 'message'; chatId: string; id: string; sender: RemoteUser; content: MessageContent; ts?: number }
  | { type: 'edit'; chatId: string; id: string; sender: RemoteUser; targetId: string; content: MessageContent; ts?: number }
  | { type: 'redaction'; chatId: string; sender: RemoteUser; targetId: string; reason?: string; ts?: number }
  | { type: 'reaction'; chatId: string; id: string; sender: RemoteUser; targetId: string; key: string; ts?: number }
  | { type: 'reaction_remove'; chatId: string; sender: RemoteUser; targetId: string; key: string }
  | { type: 'typing'; chatId: string; sender: RemoteUser; typing: boolean }
  | { type: 'chat_info'; chatId: string; sender?: RemoteUser; info: Pick<ChatInfo, 'name' | 'topic' | 'avatarUrl'>; ts?: number }
  | { type: 'member'; chatId: string; user: RemoteUser; membership: 'join' | 'leave' | 'kick'; by?: RemoteUser; reason?: string; ts?: number }
  /** Nick or profile change: the ghost keeps its Matrix id, its display name/avatar follow. */
  | { type: 'profile'; user: RemoteUser; ts?: number }
  | { type: 'power'; chatId: string; user: RemoteUser; powerLevel: number; by?: RemoteUser; ts?: number }
  | { type: 'state'; state: LoginState; message?: string };

/** What the kit hands a client: where to push events, and the login's durable metadata. */
export interface ClientContext {
  readonly loginId: string;
  readonly matrixUserId: string;
  /** Connector-owned data saved at login (tokens, nick, server); updatable. */
  readonly metadata: Json;
  saveMetadata(metadata: Json): Promise<void>;
  emit(event: RemoteEvent): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** A message from Matrix on its way to the network, already resolved to remote ids. */
export interface OutgoingMessage extends MessageContent {
  readonly chatId: string;
  readonly matrixEventId: string;
  /** Set in relay mode: the Matrix sender, and `body` is already the relay template's output. */
  readonly relayedFor?: { readonly userId: string; readonly displayName: string };
}

/** One login's connection to the network. Optional methods: features the network has. */
export interface NetworkClient {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Name, topic, avatar and members of a chat (portal creation and `sync`). */
  getChatInfo(chatId: string): Promise<ChatInfo>;
  /** Resolves a user-typed identifier (`bridge #chan`, a DM target) to a chat id; null when unknown. */
  resolveChat?(identifier: string): Promise<string | null>;
  /** Returns the remote message id (for replies/edits/redactions) and its time. */
  sendMessage(message: OutgoingMessage): Promise<{ id: string; ts?: number }>;
  editMessage?(chatId: string, targetId: string, content: MessageContent): Promise<void>;
  redactMessage?(chatId: string, targetId: string): Promise<void>;
  react?(chatId: string, targetId: string, key: string): Promise<void>;
  setTyping?(chatId: string, typing: boolean): Promise<void>;
  setTopic?(chatId: string, topic: string): Promise<void>;
  /** History older than `before` (a remote message id, or newest when undefined), oldest first. */
  fetchBackfill?(chatId: string, options: { before?: string; limit: number }): Promise<Array<Extract<RemoteEvent, { type: 'message' }>>>;
  /** Cheap liveness check for the `ping` command; defaults to "connected". */
  ping?(): Promise<string>;
}

/** One field the user must fill in a `user_input` step. */
export interface LoginField {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
}

/** A step of a login flow (mautrix's login-step model). */
export type LoginStep =
  | { type: 'user_input'; instructions: string; fields: readonly LoginField[] }
  /** Show a code or QR payload; the kit then awaits `LoginProcess.wait()`. */
  | { type: 'display_and_wait'; instructions: string; display: { type: 'code' | 'qr'; data: string } }
  | { type: 'complete'; remoteId: string; remoteName: string; metadata: Json }
  | { type: 'error'; message: string };

export interface LoginProcess {
  start(): Promise<LoginStep>;
  /** Answers a `user_input` step. */
  submit?(values: Readonly<Record<string, string>>): Promise<LoginStep>;
  /** Waits out a `display_and_wait` step (the user scanning the QR, typing the code elsewhere). */
  wait?(): Promise<LoginStep>;
  cancel?(): void;
}

export interface LoginFlow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

export interface NetworkConnector {
  /** Human name of the network ("IRC", "Discord"). */
  readonly displayName: string;
  readonly version?: string;
  readonly loginFlows: readonly LoginFlow[];
  startLogin(flowId: string, matrixUserId: string): LoginProcess;
  /** A client for a saved login; the kit calls connect() and disconnect(). */
  createClient(context: ClientContext): NetworkClient;
  /** Alias query `#<alias_template>`: the chat an alias localpart names, or null (M_NOT_FOUND). */
  chatForAlias?(aliasId: string): Promise<string | null>;
  stop?(): Promise<void>;
}
