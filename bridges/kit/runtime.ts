// One running bridge instance: the matrix-appservice-bridge Bridge (intents, user/alias queries),
// the HTTP front, the store, the connector and one NetworkClient per login.
//
// Ordering: Matrix events are handled one at a time in transaction order (http-front.ts). Remote
// events of one login are handled one at a time in the order the client emitted them (a promise
// chain per login); a failing event is logged and counted and the next one proceeds.
import { AppServiceRegistration, Bridge, type Intent } from 'matrix-appservice-bridge';
import type { BridgeConfig } from './config.ts';
import type { ClientContext, LoginState, NetworkClient, NetworkConnector, RemoteEvent } from './connector.ts';
import { doublePuppetFor, type DoublePuppet } from './double-puppet.ts';
import { KitAppService } from './http-front.ts';
import { handleMatrixEvent, handleTyping } from './matrix-events.ts';
import { createMetrics, type BridgeMetrics } from './metrics.ts';
import { portalForAlias } from './portals.ts';
import { registrationFor } from './registration.ts';
import { handleRemoteEvent } from './remote-events.ts';
import type { BridgeStore, LoginRecord } from './store.ts';
import { localpartRegex } from './templates.ts';
import type { LoginSession } from './logins.ts';

export type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
export const KIT_VERSION = '0.1.0';

export class Kit {
  readonly config: BridgeConfig;
  readonly connector: NetworkConnector;
  readonly store: BridgeStore;
  readonly log: Log;
  readonly metrics: BridgeMetrics;
  readonly bridge: Bridge;
  readonly botUserId: string;
  readonly clients = new Map<string, NetworkClient>();
  /** `roomId\0userId` of ghosts known to be joined (ghosts.ts joinGhost). */
  readonly joined = new Set<string>();
  /** Matrix users typing per portal room, to send only changes to the network. */
  readonly typing = new Map<string, Set<string>>();
  /** Login flows in progress, by Matrix user. */
  readonly loginSessions = new Map<string, LoginSession>();
  private readonly appservice: KitAppService;
  private readonly remoteChains = new Map<string, Promise<void>>();
  private readonly ghostRegex: RegExp;

  constructor(config: BridgeConfig, connector: NetworkConnector, store: BridgeStore, log: Log) {
    this.config = config;
    this.connector = connector;
    this.store = store;
    this.log = log;
    const { appservice: as, homeserver: hs } = config;
    this.botUserId = `@${as.botLocalpart}:${hs.serverName}`;
    this.ghostRegex = new RegExp(`^@${localpartRegex(as.ghostTemplate)}:`);
    this.metrics = createMetrics({ network: config.network, name: config.name }, () => store.logins().map((l) => l.state));
    const registration = AppServiceRegistration.fromObject(
      registrationFor({ ...as, id: as.id, url: as.url, serverName: hs.serverName, network: config.network }) as never,
    );
    this.appservice = new KitAppService({
      hsToken: as.hsToken,
      registry: this.metrics.registry,
      status: () => this.status(),
      handleEvent: (event) => this.onMatrixEvent(event),
      handleEphemeral: (event) => handleTyping(this, event).catch((err: unknown) => this.log('debug', `typing: ${(err as Error).message}`)),
      wasHandled: (id) => store.wasHandled(id),
      markHandled: (id) => store.markHandled(id),
    });
    this.bridge = new Bridge({
      homeserverUrl: hs.url,
      domain: hs.serverName,
      registration,
      disableStores: true,
      suppressEcho: false,
      controller: {
        // Transactions never reach the framework's event path: http-front.ts handles them durably.
        onEvent: () => undefined,
        onUserQuery: (user) => {
          const ghost = store.ghost(user.getId());
          return ghost ? { name: ghost.displayName ?? ghost.remoteId } : null;
        },
        onAliasQuery: async (alias) => {
          const roomId = await portalForAlias(this, alias);
          return roomId ? { roomId } : null;
        },
      },
    });
  }

  async start(): Promise<void> {
    await this.bridge.run(this.config.appservice.port, this.appservice, this.config.appservice.host);
    const bot = this.bridge.getIntent();
    await bot.ensureRegistered();
    await bot.ensureProfile(this.config.appservice.botDisplayname).catch((err: unknown) => this.log('warn', `bot profile: ${(err as Error).message}`));
    for (const login of this.store.logins()) void this.connectLogin(login);
  }

  async stop(): Promise<void> {
    for (const session of this.loginSessions.values()) session.cancel();
    await Promise.all([...this.clients.values()].map((c) => c.disconnect().catch(() => undefined)));
    this.clients.clear();
    await Promise.all(this.remoteChains.values());
    await this.connector.stop?.();
    // Closes the listener (our KitAppService) and the framework's timers.
    await this.bridge.close().catch((err: unknown) => this.log('warn', `closing the appservice: ${(err as Error).message}`));
    await this.store.close();
  }

  status(): unknown {
    return {
      network: this.config.network,
      name: this.config.name,
      connector: { name: this.connector.displayName, version: this.connector.version ?? null },
      logins: this.store.logins().map((l) => ({ id: l.id, matrix_user_id: l.matrixUserId, remote_name: l.remoteName, state: l.state, message: l.stateMessage ?? null })),
    };
  }

  isBridgeUser(userId: string): boolean {
    return userId === this.botUserId || this.ghostRegex.test(userId);
  }

  get bot(): Intent {
    return this.bridge.getIntent();
  }

  doublePuppet(userId: string): DoublePuppet | null {
    return doublePuppetFor(this.config.homeserver.url, this.config.bridge.doublePuppet.secrets, this.config.appservice.id, userId);
  }

  /** An m.notice from the bot, as a reply when `replyTo` is given. */
  async notice(roomId: string, body: string, replyTo?: string): Promise<void> {
    const content: Record<string, unknown> = { msgtype: 'm.notice', body };
    if (replyTo) content['m.relates_to'] = { 'm.in_reply_to': { event_id: replyTo } };
    await this.bot.sendMessage(roomId, content).catch((err: unknown) => this.log('warn', `notice to ${roomId}: ${(err as Error).message}`));
  }

  /** Tells the user in their management room, if they have one. */
  async tellUser(userId: string, body: string): Promise<void> {
    const room = this.store.managementRoom(userId);
    if (room) await this.notice(room, body);
  }

  /** Creates the login's client and connects it; the state follows the client's reports. */
  async connectLogin(login: LoginRecord): Promise<void> {
    const context: ClientContext = {
      loginId: login.id,
      matrixUserId: login.matrixUserId,
      metadata: login.metadata,
      saveMetadata: async (metadata) => {
        const current = this.store.login(login.id);
        if (current) await this.store.putLogin({ ...current, metadata });
      },
      emit: (event) => this.enqueueRemote(login.id, event),
      log: (level, message) => this.log(level, `[${login.id}] ${message}`),
    };
    const client = this.connector.createClient(context);
    this.clients.set(login.id, client);
    await this.setLoginState(login.id, 'connecting');
    try {
      await client.connect();
      if (this.store.login(login.id)?.state === 'connecting') await this.setLoginState(login.id, 'connected');
    } catch (err) {
      if (this.store.login(login.id)?.state === 'connecting') await this.setLoginState(login.id, 'transient_disconnect', (err as Error).message);
    }
  }

  async setLoginState(loginId: string, state: LoginState, message?: string): Promise<void> {
    const login = this.store.login(loginId);
    if (!login || (login.state === state && login.stateMessage === message)) return;
    const { stateMessage: _old, ...rest } = login;
    await this.store.putLogin({ ...rest, state, ...(message !== undefined ? { stateMessage: message } : {}) });
    if (state !== 'connecting') await this.tellUser(login.matrixUserId, `Login ${login.id} (${login.remoteName}): ${state.replace('_', ' ')}${message ? ` — ${message}` : ''}`);
  }

  /** The user's login to act with in a portal: the portal's own receiver, else any connected one. */
  loginFor(userId: string, receiver: string | null): LoginRecord | undefined {
    const mine = this.store.logins(userId).filter((l) => this.clients.has(l.id));
    if (receiver) return mine.find((l) => l.id === receiver);
    return mine.find((l) => l.state === 'connected') ?? mine[0];
  }

  private enqueueRemote(loginId: string, event: RemoteEvent): void {
    const prev = this.remoteChains.get(loginId) ?? Promise.resolve();
    const next = prev.then(() =>
      handleRemoteEvent(this, loginId, event).catch((err: unknown) => {
        if (event.type !== 'state' && event.type !== 'typing') this.metrics.failed('remote_to_matrix');
        this.log('error', `remote ${event.type} for login ${loginId}: ${(err as Error).message}`);
      }),
    );
    this.remoteChains.set(loginId, next);
  }

  /** Waits until every remote event emitted so far is handled (tests, sync). */
  async settled(): Promise<void> {
    await Promise.all(this.remoteChains.values());
  }

  private async onMatrixEvent(event: Record<string, unknown>): Promise<void> {
    try {
      await handleMatrixEvent(this, event);
    } catch (err) {
      this.log('error', `matrix event ${String(event.event_id)}: ${(err as Error).message}`);
    }
  }
}
