// Builds the rooms feature from its dependencies: one store, one group-commit persister, one
// room input serialiser, the service the client handlers call (RoomsApi) and the read API for
// /sync and history (RoomReads). core/main.ts calls createRooms once.
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import type { UserId } from '../spec/ids.ts';
import type { EventSigner } from '../events/build.ts';
import type { Db } from '../storage/db.ts';
import type { Logger } from '../observability/log.ts';
import type { Registry } from 'prom-client';
import type { Notifier } from '../notifier/notifier.ts';
import { persistMetrics } from './metrics.ts';
import type { DeactivationListener, ProfileChangeListener } from '../users/api.ts';
import type { CreateRoomInput, Membership, MembershipInput, RoomsApi, SendInput, StoredEvent } from './api.ts';
import { deleteAlias, resolveAlias, roomAliases, setAlias } from './aliases.ts';
import { membershipIn, profileContent, type AliasNamespaces, type ProfileSource, type RoomsContext } from './context.ts';
import { createRoom } from './create-room.ts';
import * as membership from './membership.ts';
import { Persister } from './persister.ts';
import { RoomReads } from './reads.ts';
import { RoomInput } from './room-input.ts';
import { redact, sendEvent } from './send.ts';
import { joinedMembers, members, readableState, readableStateEvent } from './state-access.ts';
import { RoomsStore } from './store.ts';
import { TxnCache } from './txn-cache.ts';
import { upgradeRoom } from './upgrade.ts';
import type { PersistResult, RoomWrite } from './types.ts';

export interface RoomsDeps {
  db: Db;
  log: Logger;
  signer: EventSigner;
  defaultRoomVersion: string;
  notifier?: Notifier;
  profiles?: ProfileSource;
  /** Exclusive alias namespaces and alias queries of the appservices. */
  aliasNamespaces?: AliasNamespaces;
  /** True when no other process can write to the database (the embedded PGlite): cheaper batches. */
  singleWriter?: boolean;
  metrics?: Registry;
  now?: () => number;
}

export class RoomsService implements RoomsApi, ProfileChangeListener, DeactivationListener {
  readonly #ctx: RoomsContext;
  constructor(ctx: RoomsContext) {
    this.#ctx = ctx;
  }
  createRoom = (r: Requester, input: CreateRoomInput) => createRoom(this.#ctx, r, input);
  join = (r: Requester, room: string, opts?: { reason?: string; extraContent?: Record<string, unknown> }) => membership.join(this.#ctx, r, room, opts);
  knock = (r: Requester, room: string, reason?: string) => membership.knock(this.#ctx, r, room, reason);
  invite = (r: Requester, input: MembershipInput & { target: string }) => membership.invite(this.#ctx, r, input);
  leave = (r: Requester, input: MembershipInput) => membership.leave(this.#ctx, r, input);
  kick = (r: Requester, input: MembershipInput & { target: string }) => membership.kick(this.#ctx, r, input);
  ban = (r: Requester, input: MembershipInput & { target: string }) => membership.ban(this.#ctx, r, input);
  unban = (r: Requester, input: MembershipInput & { target: string }) => membership.unban(this.#ctx, r, input);
  forget = (r: Requester, roomId: string) => membership.forget(this.#ctx, r, roomId);
  async joinedRooms(r: Requester): Promise<string[]> {
    return (await this.#ctx.store.roomsForUser(r.userId, ['join'])).map((x) => x.roomId);
  }
  members = (r: Requester, roomId: string, q: { at?: string; membership?: Membership; notMembership?: Membership }) => members(this.#ctx, r, roomId, q);
  joinedMembers = (r: Requester, roomId: string) => joinedMembers(this.#ctx, r, roomId);
  send = (r: Requester, input: SendInput) => sendEvent(this.#ctx, r, input);
  getStateEvent = (r: Requester, roomId: string, type: string, key: string): Promise<StoredEvent> => readableStateEvent(this.#ctx, r.userId, roomId, type, key);
  getState = (r: Requester, roomId: string): Promise<StoredEvent[]> => readableState(this.#ctx, r.userId, roomId);
  redact = (r: Requester, input: { roomId: string; eventId: string; txnId: string; reason?: string }) => redact(this.#ctx, r, input);
  upgrade = (r: Requester, roomId: string, version: string, additionalCreators?: readonly string[]) =>
    upgradeRoom(this.#ctx, r, roomId, version, additionalCreators);
  setAlias = (r: Requester, alias: string, roomId: string) => setAlias(this.#ctx, r, alias, roomId);
  resolveAlias = (alias: string) => resolveAlias(this.#ctx, alias);
  deleteAlias = (r: Requester, alias: string) => deleteAlias(this.#ctx, r, alias);
  roomAliases = (r: Requester, roomId: string) => roomAliases(this.#ctx, r, roomId);

  /**
   * The users feature's seam: a deactivated account leaves every room it is in, rejects its
   * invites and withdraws its knocks (as Synapse does).
   */
  async onDeactivated(userId: UserId, _erase: boolean): Promise<void> {
    const rooms = await this.#ctx.store.roomsForUser(userId, ['join', 'invite', 'knock']);
    for (const { roomId } of rooms) {
      await membership
        .setMembership(this.#ctx, userId, roomId, userId, 'leave', {}, (m) => m !== 'join' && m !== 'invite' && m !== 'knock')
        .catch((e: unknown) => {
          if (!(e instanceof MatrixError)) throw e;
        });
    }
  }

  /**
   * The users feature's seam: a changed displayname or avatar is written into the user's
   * membership event in every room they are joined to (as Synapse does).
   */
  async onProfileChanged(userId: UserId, field: string, _value: unknown): Promise<void> {
    if (field !== 'displayname' && field !== 'avatar_url') return;
    const profile = await profileContent(this.#ctx, userId);
    const rooms = await this.#ctx.store.roomsForUser(userId, ['join']);
    await Promise.all(
      rooms.map(({ roomId }) =>
        this.#ctx.input
          .run(roomId, (b) => {
            const current = b.state('m.room.member', userId);
            if (membershipIn({ state: b.stateMap }, userId) !== 'join' || !current) return;
            const { displayname: _d, avatar_url: _a, ...rest } = current.content;
            b.add({ type: 'm.room.member', stateKey: userId, sender: userId, content: { ...rest, ...profile, membership: 'join' } });
          })
          .catch((e: unknown) => {
            // One room refusing (e.g. power levels) must not stop the others.
            if (!(e instanceof MatrixError)) throw e;
          }),
      ),
    );
  }
}

export interface Rooms {
  service: RoomsService;
  reads: RoomReads;
  store: RoomsStore;
  persister: Persister;
  input: RoomInput;
  close(): Promise<void>;
}

export function createRooms(deps: RoomsDeps): Rooms {
  const store = new RoomsStore(deps.db);
  const txns = new TxnCache(store, deps.singleWriter ?? false, deps.now);
  const onCommitted = (writes: readonly RoomWrite[], results: readonly PersistResult[]) => {
    for (const w of writes) for (const e of w.events) if (e.txn) txns.remember(e.txn.userId, e.txn.scope, e.txn.txnId, e.eventId);
    if (!deps.notifier) return;
    const all = results.flatMap((r) => r.positions);
    if (all.length === 0) return;
    const position = Math.max(...all);
    // A batch's positions are contiguous (persister.ts), so (min - 1, max] is exactly this batch.
    const from = Math.min(...all) - 1;
    const rooms = [...new Set(writes.map((w) => w.roomId))];
    // Users named by membership events (invites, kicks) must wake even if not yet in the room.
    const users = [...new Set(writes.flatMap((w) => w.events.filter((e) => e.view.type === 'm.room.member').map((e) => e.view.state_key!)))];
    deps.notifier.notify({ stream: 'events', position, from, rooms, users });
  };
  const persister = new Persister({
    db: deps.db,
    log: deps.log,
    onCommitted,
    singleWriter: deps.singleWriter ?? false,
    ...(deps.metrics ? { metrics: persistMetrics(deps.metrics) } : {}),
  });
  const input = new RoomInput({ store, persister, signer: deps.signer, ...(deps.now ? { now: deps.now } : {}) });
  const ctx: RoomsContext = {
    store,
    input,
    txns,
    serverName: deps.signer.serverName,
    defaultRoomVersion: deps.defaultRoomVersion,
    profiles: deps.profiles ?? null,
    aliasNamespaces: deps.aliasNamespaces ?? null,
    now: deps.now ?? Date.now,
  };
  return { service: new RoomsService(ctx), reads: new RoomReads(store), store, persister, input, close: () => persister.close() };
}

/** Where the feature's migrations live, for runMigrations({ feature: 'rooms', dir }). */
export const ROOMS_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
