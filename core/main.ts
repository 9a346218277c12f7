// The composition root (DESIGN §2): load nothing global, build every service from the config with
// its dependencies, mount the routes, listen. The only place that knows the whole graph.
import { createServer, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/schema.ts';
import { createLogger, type Logger } from './observability/log.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import { openDatabase } from './storage/open.ts';
import { runMigrations } from './storage/migrate.ts';
import { databaseName } from './storage/db.ts';
import { openQueue } from './queue/open.ts';
import { loadOrCreateSigningKeys } from './events/server-keys.ts';
import { createUsers, USERS_MIGRATIONS_DIR } from './users/users.ts';
import { readOrCreateSharedSecret } from './users/shared-secret-file.ts';
import { createHttpApp } from './http/app.ts';
import type { Route } from './http/route.ts';
import { discoveryRoutes } from './api/client/discovery.ts';
import { registerRoutes } from './api/client/register.ts';
import { loginRoutes } from './api/client/login.ts';
import { accountRoutes } from './api/client/account.ts';
import { deviceRoutes } from './api/client/devices.ts';
import { profileRoutes } from './api/client/profile.ts';
import { capabilitiesRoutes } from './api/client/capabilities.ts';
import { synapseRegisterRoutes } from './api/admin/synapse-register.ts';
import { registrationTokenRoutes } from './api/admin/registration-tokens.ts';
import { appserviceAdminRoutes } from './api/admin/appservices.ts';
import { AppservicesStore, APPSERVICES_MIGRATIONS_DIR } from '../appservices/store.ts';
import { AppserviceRegistry } from '../appservices/registry/registry.ts';
import { createAppserviceAdmin } from '../appservices/registry/admin.ts';
import { registerRegistryMetrics } from '../appservices/registry/metrics.ts';
import { createAppserviceGate, createReservedNames } from '../appservices/gate.ts';
import { PuppetRegistry } from '../appservices/puppets/registry.ts';
import { createGhostPolicy, ghostAwareProfileListener } from '../appservices/puppets/settings.ts';
import { AppserviceQueryClient } from '../appservices/query/client.ts';
import { createAppserviceQueries } from '../appservices/query/queries.ts';
import { profilesWithUserQuery } from '../appservices/query/profiles-on-demand.ts';
import { createThirdPartyLookups } from '../appservices/query/thirdparty.ts';
import { createAppserviceRoomLists } from '../appservices/query/room-lists.ts';
import { AppserviceRoomListStore } from '../appservices/store.ts';
import { appserviceRoomListRoutes, thirdPartyRoutes } from './api/client/thirdparty.ts';
import { LocalNotifier, type Notifier } from './notifier/notifier.ts';
import { AccountDataService, ACCOUNT_DATA_MIGRATIONS_DIR } from './account-data/service.ts';
import { FiltersService, FILTERS_MIGRATIONS_DIR } from './filters/service.ts';
import { PresenceService, PRESENCE_MIGRATIONS_DIR } from './presence/service.ts';
import { accountDataRoutes } from './api/client/account-data.ts';
import { pushRuleRoutes } from './api/client/push-rules.ts';
import { PushRulesService } from './push/service.ts';
import { tagRoutes } from './api/client/tags.ts';
import { filterRoutes } from './api/client/filters.ts';
import { presenceRoutes } from './api/client/presence.ts';
import type { RoomMembershipCheck } from './ports/room-membership.ts';
import { TypingService } from './typing/service.ts';
import { ReceiptsService, RECEIPTS_MIGRATIONS_DIR } from './receipts/service.ts';
import { typingRoutes } from './api/client/typing.ts';
import { receiptRoutes } from './api/client/receipts.ts';
import { readMarkerRoutes } from './api/client/read-markers.ts';
import { createRooms, ROOMS_MIGRATIONS_DIR, type Rooms } from './rooms/rooms.ts';
import { roomRoutes } from './api/client/rooms.ts';
import { historyRoutes } from './api/client/history.ts';
import { reportRoutes } from './api/admin/reports.ts';
import { directoryRoutes } from './api/client/directory.ts';
import { createHistoryDeps } from './rooms/history-access.ts';
import { membershipRoutes } from './api/client/membership.ts';
import { aliasRoutes } from './api/client/aliases.ts';
import type { RoomAlias, UserId } from './spec/ids.ts';
import { roomMembershipCheck } from './rooms/membership-check.ts';
import { AppserviceDelivery } from '../appservices/delivery/delivery.ts';
import { DeliveryMetrics } from '../appservices/delivery/metrics.ts';
import type { RoomsForAppservices } from '../appservices/delivery/interest.ts';
import { createAppservicePing } from '../appservices/delivery/ping.ts';
import type { EphemeralSources } from '../appservices/delivery/ephemeral.ts';
import type { ToDeviceForAppservices } from './ports/to-device-for-appservices.ts';
import { appservicePingRoutes } from './api/client/appservice-ping.ts';
import { SyncService } from './sync/service.ts';
import { syncRoutes } from './api/client/sync.ts';
import { ToDeviceService, TO_DEVICE_MIGRATIONS_DIR } from './to-device/service.ts';
import { toDeviceRoutes } from './api/client/to-device.ts';
import { toDeviceForAppservices } from './to-device/for-appservices.ts';
import { bridgeAdminRoutes } from './api/admin/bridges.ts';
import type { BridgeAdmin } from './ports/bridge-admin.ts';
import { BridgeHost } from '../appservices/bridge-host/host.ts';
// The bridge CLI (core/cli/bridge.ts) reaches the host's module loader through here: core/main.ts
// is the one file in core that imports appservices/ (DESIGN §2).
export { availableNetworks, importBridgeModule, parseBridgeHeader, BridgeLoadError } from '../appservices/bridge-host/bridge-module.ts';

export interface Hub {
  /** The base URL the listener is reachable at (its real port when 0 was asked for). */
  url: string;
  config: Config;
  log: Logger;
  /** In-process services for benchmarks and fault tests (generating events without HTTP). */
  internals: { rooms: Rooms; appserviceDelivery: AppserviceDelivery };
  close(): Promise<void>;
}

/** Features in migration order: a feature's tables may reference only earlier ones. */
const MIGRATIONS = [
  { feature: 'users', dir: USERS_MIGRATIONS_DIR },
  { feature: 'rooms', dir: ROOMS_MIGRATIONS_DIR },
  { feature: 'appservices', dir: APPSERVICES_MIGRATIONS_DIR },
  { feature: 'account_data', dir: ACCOUNT_DATA_MIGRATIONS_DIR },
  { feature: 'filters', dir: FILTERS_MIGRATIONS_DIR },
  { feature: 'presence', dir: PRESENCE_MIGRATIONS_DIR },
  { feature: 'receipts', dir: RECEIPTS_MIGRATIONS_DIR },
  { feature: 'to_device', dir: TO_DEVICE_MIGRATIONS_DIR },
];

/** Parts a caller may provide instead of the defaults (tests; the lead's wiring of core/rooms). */
export interface HubOptions {
  roomMembership?: RoomMembershipCheck;
  /** To-device messages for appservices (MSC2409); the lead wires core/to-device's here. */
  toDeviceForAppservices?: ToDeviceForAppservices;
}

export async function startHub(config: Config, log: Logger = createLogger(config.logLevel), opts: HubOptions = {}): Promise<Hub> {
  await mkdir(config.dataDir, { recursive: true });
  const storage = await openDatabase(config);
  const closers: (() => Promise<void>)[] = [() => storage.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => log.error('error while stopping', { err }));
  };
  try {
    const applied = await runMigrations(storage.db, MIGRATIONS);
    if (applied.length > 0) log.info('migrations applied', { migrations: applied });
    const { queue, kind: queueKind } = await openQueue(config, storage.db);
    closers.push(() => queue.close());
    // The signing key is made on first start so it never changes under a running federation.
    const [signingKey] = await loadOrCreateSigningKeys(config.signingKeyPath);
    const sharedSecret = config.registration.sharedSecret ?? (await readOrCreateSharedSecret(config.dataDir));
    // Updates carry stream positions that consumers trust (sync's caches), so the channel is one
    // database's: hubs of another database on the same Redis (same server name) never mix in.
    const dbName = config.redisUrl ? await databaseName(storage.db) : '';
    const notifier: Notifier = config.redisUrl
      ? await (await import('./notifier/redis-notifier.ts')).createRedisNotifier(config.redisUrl, { channelPrefix: `${config.serverName}:${dbName}:` })
      : new LocalNotifier();
    closers.push(() => notifier.close());

    const metrics = createMetricsRegistry();
    const appservicesStore = new AppservicesStore(storage.db);
    const appserviceRegistry = new AppserviceRegistry({
      dir: config.appservicesDir,
      serverName: config.serverName,
      store: appservicesStore,
      log: log.child({ component: 'appservices' }),
    });
    const gate = createAppserviceGate(appserviceRegistry);
    const ghostPolicy = createGhostPolicy(appserviceRegistry);
    // Rooms reads profiles and users announces profile changes and deactivations to rooms: the
    // listeners forward to rooms once it exists.
    let rooms: Rooms | null = null;
    const users = createUsers({
      db: storage.db,
      config: { ...config, registration: { ...config.registration, sharedSecret } },
      // Ghosts of appservices with switchyard.propagate_ghost_profiles: false skip the per-room events.
      profileListener: ghostAwareProfileListener(ghostPolicy, {
        onProfileChanged: async (userId: UserId, field, value) => rooms?.service.onProfileChanged(userId, field, value),
      }),
      reservedNames: createReservedNames(gate),
      deactivationListener: { onDeactivated: async (userId: UserId, erase) => rooms?.service.onDeactivated(userId, erase) },
    });
    const puppets = new PuppetRegistry({ users: users.appserviceUsers });
    // Each appservice's sender exists as soon as the appservice is loaded (before its first request).
    appserviceRegistry.subscribe(async (change) => {
      if (change.type === 'added' || change.type === 'updated') await puppets.ensureSender(change.appservice.id, change.appservice.senderUserId);
    });
    await appserviceRegistry.start();
    closers.push(() => appserviceRegistry.stop());
    registerRegistryMetrics(appserviceRegistry, metrics);
    // Queries to appservices have their own client (timeout, concurrency): never delivery's.
    const queryClient = new AppserviceQueryClient(config.appserviceQueries);
    const appserviceQueries = createAppserviceQueries({ registry: appserviceRegistry, client: queryClient });
    const thirdParty = createThirdPartyLookups({ registry: appserviceRegistry, client: queryClient });
    // /publicRooms asks this for third_party_instance_id and include_all_networks.
    const appserviceRoomLists = createAppserviceRoomLists({ store: new AppserviceRoomListStore(storage.db) });
    const roomsFeature = createRooms({
      db: storage.db,
      log: log.child({ component: 'rooms' }),
      signer: { serverName: config.serverName, key: signingKey! },
      defaultRoomVersion: config.rooms.defaultVersion,
      notifier,
      profiles: users.profiles,
      aliasNamespaces: { exclusiveAliasOwner: (alias) => gate.exclusiveAliasOwner(alias as RoomAlias), queryAlias: (alias) => appserviceQueries.queryAlias(alias) },
      // The embedded database's data-dir lock admits one process: no cross-process room locks.
      singleWriter: storage.kind === 'embedded',
      metrics,
    });
    rooms = roomsFeature;
    closers.push(() => roomsFeature.close());
    const roomsForAppservices: RoomsForAppservices = {
      currentPosition: () => roomsFeature.store.currentPosition(),
      streamEvents: (from, to, limit) => roomsFeature.store.streamEvents(from, to, limit),
      joinedMembers: async (roomId) =>
        (await roomsFeature.store.currentStateEvents(roomId, 'm.room.member')).filter((e) => e.content.membership === 'join').map((e) => e.stateKey!),
      aliases: async (roomId) => {
        const [canonical] = await roomsFeature.store.currentStateEvents(roomId, 'm.room.canonical_alias', '');
        const c = canonical?.content ?? {};
        const alt = Array.isArray(c.alt_aliases) ? c.alt_aliases.filter((a): a is string => typeof a === 'string') : [];
        return [...(typeof c.alias === 'string' ? [c.alias] : []), ...alt, ...(await roomsFeature.store.aliasesOf(roomId))];
      },
    };
    // Filled in once typing, receipts and presence exist (below); delivery starts after that.
    const ephemeralSources: EphemeralSources = {
      namespacedUsers: async (reg) => {
        const users = [reg.senderUserId as string];
        for (let from: string | undefined; ; ) {
          const page = await puppets.list(reg.id, { limit: 1_000, ...(from !== undefined ? { from } : {}) });
          users.push(...page.puppets.map((p) => p.userId as string));
          if (page.nextBatch === undefined) return users;
          from = page.nextBatch;
        }
      },
      joinedRooms: async (userIds) => {
        const rooms = new Set<string>();
        for (const u of userIds) for (const r of await roomsFeature.store.roomsForUser(u, ['join'])) rooms.add(r.roomId);
        return [...rooms];
      },
    };
    let delivery: AppserviceDelivery | null = null;
    const deliveryMetrics = new DeliveryMetrics(metrics, {
      ids: () => appserviceRegistry.active().map((r) => r.id),
      state: (id) => delivery?.sender.state(id) ?? 'up',
      lag: (id) => delivery!.lag(id),
    });
    delivery = new AppserviceDelivery({
      db: storage.db,
      registry: appserviceRegistry,
      rooms: roomsForAppservices,
      notifier,
      queue,
      log: log.child({ component: 'appservice-delivery' }),
      config: config.appservices,
      metrics: deliveryMetrics,
      ephemeral: ephemeralSources,
    });
    const appserviceDelivery = delivery;
    closers.push(() => appserviceDelivery.close());
    const appserviceAdmin = createAppserviceAdmin({ registry: appserviceRegistry, store: appservicesStore, puppets, delivery: appserviceDelivery.control() });
    const appservicePing = createAppservicePing({
      registry: appserviceRegistry,
      timeoutMs: config.appservices.requestTimeoutMs,
      onSuccess: (asId) => appserviceDelivery.forceRetry(asId),
    });
    const accountData = new AccountDataService({ db: storage.db, notifier });
    const pushRules = new PushRulesService({ accountData, notifier });
    closers.push(async () => pushRules.close());
    const filters = new FiltersService({ db: storage.db });
    const presence = new PresenceService({ db: storage.db, notifier, enabled: config.presence.enabled });
    presence.start((err) => log.error('presence sweep failed', { err }));
    closers.push(async () => presence.close());
    const membership: RoomMembershipCheck = opts.roomMembership ?? roomMembershipCheck(roomsFeature.store, roomsFeature.reads);
    const typing = new TypingService({ membership, notifier });
    typing.start();
    closers.push(async () => typing.close());
    const history = createHistoryDeps(roomsFeature);
    const receipts = new ReceiptsService({ db: storage.db, notifier, membership, accountData });
    const toDevice = new ToDeviceService({
      db: storage.db,
      notifier,
      serverName: config.serverName,
      // The users feature lists a user's devices only for the user: ask as that user.
      devices: {
        deviceIds: async (userId) =>
          (await users.devices.listDevices({ userId: userId as UserId, deviceId: null, tokenId: null, appserviceId: null, isGuest: false })).map((d) => d.device_id),
      },
    });
    const sync = new SyncService({
      rooms: roomsFeature.reads,
      reads: roomsFeature.reads,
      accountData,
      receipts,
      typing,
      presence,
      filters,
      toDevice,
      notifier,
      pushRules,
    });
    closers.push(async () => sync.close());
    Object.assign(ephemeralSources, { typing, receipts, presence, toDevice: opts.toDeviceForAppservices ?? toDeviceForAppservices(toDevice) });
    await appserviceDelivery.start();
    // Bridges start once the hub listens (they call it as soon as they run); see below.
    const bridgeHost = config.bridges.inProcess
      ? new BridgeHost({ dir: config.bridges.dir, dataDir: config.bridges.dataDir, log: log.child({ component: 'bridge-host' }) })
      : null;
    const bridgeAdmin: BridgeAdmin = bridgeHost ?? { list: () => ({ in_process: false, dir: config.bridges.dir, bridges: [] }) };
    const routes: Route[] = [
      ...discoveryRoutes({
        publicBaseUrl: config.publicBaseurl,
        wellKnownClient: config.wellKnown.client,
        wellKnownServer: config.wellKnown.server,
        unstableFeatures: {},
      }),
      ...registerRoutes({ registration: users.registration }),
      ...loginRoutes({ sessions: users.sessions }),
      ...accountRoutes({ account: users.account }),
      ...deviceRoutes({ devices: users.devices }),
      ...profileRoutes({ profiles: profilesWithUserQuery(users.profiles, appserviceQueries) }),
      ...capabilitiesRoutes({ defaultRoomVersion: config.rooms.defaultVersion }),
      ...synapseRegisterRoutes({ sharedSecret: users.sharedSecret }),
      ...registrationTokenRoutes({ tokens: users.registrationTokens }),
      ...appserviceAdminRoutes({ appservices: appserviceAdmin }),
      ...bridgeAdminRoutes({ bridges: bridgeAdmin }),
      ...appservicePingRoutes({ ping: appservicePing }),
      ...accountDataRoutes({ accountData }),
      ...tagRoutes({ accountData }),
      ...pushRuleRoutes({ pushRules }),
      ...filterRoutes({ filters }),
      ...presenceRoutes({ presence }),
      ...typingRoutes({ typing }),
      ...receiptRoutes({ receipts }),
      ...readMarkerRoutes({ receipts }),
      ...roomRoutes({ rooms: roomsFeature.service }),
      ...membershipRoutes({ rooms: roomsFeature.service }),
      ...aliasRoutes({ rooms: roomsFeature.service }),
      ...thirdPartyRoutes({ thirdParty }),
      ...appserviceRoomListRoutes({ roomLists: appserviceRoomLists }),
      ...historyRoutes({ history }),
      ...reportRoutes({ reports: history.history }),
      ...directoryRoutes({ history, input: roomsFeature.input, roomLists: appserviceRoomLists }),
      ...syncRoutes({ sync }),
      ...toDeviceRoutes({ toDevice }),
    ];
    const app = createHttpApp(
      {
        auth: { users: users.sessions, appservices: gate },
        log,
        metrics,
        maxBodyBytes: config.limits.maxBodyBytes,
        rateLimits: config.rateLimits,
        metricsPath: config.metrics.enabled ? config.metrics.path : null,
      },
      routes,
    );
    const server = createServer(app.callback());
    await listen(server, config.listen.host, config.listen.port);
    closers.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;
    const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
    const url = `http://${host}:${port}`;
    log.info('listening', { url, server_name: config.serverName, database: storage.kind, queue: queueKind });
    if (bridgeHost) {
      // Closers run in reverse: bridges stop before the listener and the database they use.
      closers.push(() => bridgeHost.stop());
      await bridgeHost.start();
    }
    return { url, config, log, internals: { rooms: roomsFeature, appserviceDelivery }, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Long-polling clients would hold close() open; they reconnect to the next process.
    server.closeAllConnections();
  });
}
