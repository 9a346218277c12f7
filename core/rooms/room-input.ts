// Room input: every local event is built, authorised, hashed and signed here, one room at a
// time, then handed to the group-commit persister.
//
// Ordering and durability contract:
// - Operations on one room run one after another (an in-process promise chain per room); rooms
//   never wait for each other. Across processes the persister's pg_advisory_xact_lock on the
//   room plus its forward-extremity check serialise writers: a write built on a stale view is
//   refused (StaleRoomError), the room's cached head is dropped and the operation re-runs on
//   fresh state; after OPTIMISTIC_ATTEMPTS it runs under the room's lock (persistExclusive),
//   which cannot be stale, so contended rooms still make progress.
// - An operation's events are committed atomically (createRoom's whole initial state, or one
//   message); the operation resolves after the commit, with the events' stream positions.
// - The in-memory head (current state, extremities, depth, state group) of a room changes only
//   after a commit; any failure drops it, and the next operation reloads it from the database.
import { MatrixError } from '../spec/errors.ts';
import { buildEvent, type EventSigner } from '../events/build.ts';
import { normaliseEvent } from '../events/normalise.ts';
import { selectAuthEvents } from '../events/auth-events.ts';
import { authorize } from '../events/auth-rules.ts';
import { stateLookup } from '../events/auth-checks.ts';
import { MAX_PREV_EVENTS } from '../events/event-format.ts';
import { stateKey, type EventView, type JsonObject, type StateKey } from '../events/pdu.ts';
import type { RoomVersion } from '../events/room-versions.ts';
import type { Persister } from './persister.ts';
import { StaleRoomError } from './persister.ts';
import type { RoomsStore } from './store.ts';
import type { PersistEvent, RoomHead, RoomWrite, StateEntry } from './types.ts';

/** Deltas in a state-group chain before a full snapshot is written (bounds state lookups). */
export const SNAPSHOT_INTERVAL = 100;
/** Optimistic attempts before taking the room's lock up front (persistExclusive). */
const OPTIMISTIC_ATTEMPTS = 2;
/** Heads kept in memory; the least recently used room is dropped beyond this. */
const MAX_CACHED_HEADS = 5000;

export interface EventInput {
  readonly type: string;
  readonly stateKey?: string;
  readonly sender: string;
  readonly content: JsonObject;
  readonly redacts?: string;
  /** application-service-api "Timestamp massaging": an appservice-chosen origin_server_ts. */
  readonly originServerTs?: number;
  readonly txn?: { readonly userId: string; readonly scope: string; readonly txnId: string };
}

export interface CommittedEvent {
  readonly eventId: string;
  readonly view: EventView;
  readonly position: number;
}

/** The working copy of a room inside one operation. */
export class RoomBuilder {
  readonly version: RoomVersion;
  roomId: string;
  readonly #signer: EventSigner;
  readonly #now: () => number;
  #state: Map<StateKey, EventView>;
  #stateCopied = false;
  #extremities: readonly string[];
  #depth: number;
  #chain: number;
  #hasGroup: boolean;
  readonly events: PersistEvent[] = [];

  constructor(head: RoomHead, signer: EventSigner, now: () => number) {
    this.version = head.version;
    this.roomId = head.roomId;
    this.#signer = signer;
    this.#now = now;
    this.#state = head.state as Map<StateKey, EventView>;
    this.#extremities = head.extremities;
    this.#depth = head.depth;
    this.#chain = head.chainLength;
    this.#hasGroup = head.stateGroup !== null;
  }

  state(type: string, key = ''): EventView | undefined {
    return this.#state.get(stateKey(type, key));
  }

  get stateMap(): ReadonlyMap<StateKey, EventView> {
    return this.#state;
  }

  /** Builds, authorises and signs one event on top of the working state. */
  add(input: EventInput): EventView {
    const lookup = (t: string, k: string) => this.#state.get(stateKey(t, k))?.event_id;
    const draftBase = { type: input.type, sender: input.sender, content: input.content, ...(input.stateKey !== undefined ? { state_key: input.stateKey } : {}) };
    const isCreate = input.type === 'm.room.create' && input.stateKey === '';
    const built = buildEvent(
      {
        ...draftBase,
        ...(isCreate && this.version.roomIdFromCreateEvent ? {} : { room_id: this.roomId }),
        prev_events: this.#extremities.slice(-MAX_PREV_EVENTS),
        auth_events: selectAuthEvents(draftBase, lookup, this.version),
        depth: this.#depth + 1,
        origin_server_ts: isCreate && this.version.roomIdFromCreateEvent ? uniqueCreateTs(input.originServerTs ?? this.#now()) : (input.originServerTs ?? this.#now()),
        ...(input.redacts !== undefined ? { redacts: input.redacts } : {}),
      },
      this.version,
      this.#signer,
    );
    if (isCreate) this.roomId = built.roomId;
    const view = normaliseEvent(built.pdu, this.version, built.eventId);
    const auth = authorize(view, stateLookup(this.#state), this.version);
    if (!auth.allowed) throw new MatrixError('M_FORBIDDEN', auth.reason);
    let replaces: string | null = null;
    let stateDelta: PersistEvent['stateDelta'] = null;
    if (view.state_key !== undefined) {
      if (!this.#stateCopied) {
        this.#state = new Map(this.#state);
        this.#stateCopied = true;
      }
      const key = stateKey(view.type, view.state_key);
      replaces = this.#state.get(key)?.event_id ?? null;
      this.#state.set(key, view);
      const snapshot = !this.#hasGroup || this.#chain + 1 >= SNAPSHOT_INTERVAL;
      const entries: StateEntry[] = snapshot
        ? [...this.#state.values()].map((e) => [e.type, e.state_key!, e.event_id] as const)
        : [[view.type, view.state_key, view.event_id]];
      stateDelta = { entries, snapshot };
      this.#chain = snapshot ? 0 : this.#chain + 1;
      this.#hasGroup = true;
    }
    this.events.push({ eventId: built.eventId, view, json: JSON.stringify(built.pdu), replaces, stateDelta, txn: input.txn ?? null });
    this.#extremities = [built.eventId];
    this.#depth = view.depth;
    return view;
  }

  headAfter(stateGroup: number | null, chainLength: number): RoomHead {
    return { roomId: this.roomId, version: this.version, state: this.#state, extremities: this.#extremities, depth: this.#depth, stateGroup, chainLength };
  }
}

export interface RoomOpOptions {
  /** Extra rows the write carries (createRoom: the room row and its alias). */
  readonly newRoom?: RoomWrite['newRoom'];
  readonly aliases?: readonly string[];
}

export class RoomInput {
  readonly #store: RoomsStore;
  readonly #persister: Persister;
  readonly #signer: EventSigner;
  readonly #now: () => number;
  readonly #heads = new Map<string, RoomHead>();
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(deps: { store: RoomsStore; persister: Persister; signer: EventSigner; now?: () => number }) {
    this.#store = deps.store;
    this.#persister = deps.persister;
    this.#signer = deps.signer;
    this.#now = deps.now ?? Date.now;
  }

  /** The committed head of a room (cached); null for rooms this server does not know. */
  async head(roomId: string): Promise<RoomHead | null> {
    const cached = this.#heads.get(roomId);
    if (cached) {
      this.#heads.delete(roomId);
      this.#heads.set(roomId, cached);
      return cached;
    }
    const head = await this.#store.loadHead(roomId);
    if (head) this.#remember(head);
    return head;
  }

  #remember(head: RoomHead): void {
    this.#heads.set(head.roomId, head);
    if (this.#heads.size > MAX_CACHED_HEADS) this.#heads.delete(this.#heads.keys().next().value!);
  }

  /**
   * Runs `fn` on the room's working copy, serialised with other operations on the room, and
   * commits the events it added. `fn` may run again (on fresh state) if another process wrote to
   * the room meanwhile, so it must have no side effects besides builder calls.
   */
  run<T>(roomId: string, fn: (b: RoomBuilder) => T | Promise<T>, opts: RoomOpOptions = {}): Promise<{ value: T; events: CommittedEvent[] }> {
    const prev = this.#chains.get(roomId) ?? Promise.resolve();
    const next = prev.then(
      () => this.#runNow(roomId, fn, opts),
      () => this.#runNow(roomId, fn, opts),
    );
    const tail = next.catch(() => {});
    this.#chains.set(roomId, tail);
    void tail.then(() => {
      if (this.#chains.get(roomId) === tail) this.#chains.delete(roomId);
    });
    return next;
  }

  /** Creates a room: `fn` must add the m.room.create event first. */
  async create<T>(version: RoomVersion, provisionalRoomId: string, fn: (b: RoomBuilder) => T | Promise<T>, opts: RoomOpOptions): Promise<{ value: T; events: CommittedEvent[]; roomId: string }> {
    const empty: RoomHead = { roomId: provisionalRoomId, version, state: new Map(), extremities: [], depth: 0, stateGroup: null, chainLength: 0 };
    const b = new RoomBuilder(empty, this.#signer, this.#now);
    const value = await fn(b);
    const events = await this.#commit(b, empty, opts);
    return { value, events, roomId: b.roomId };
  }

  async #runNow<T>(roomId: string, fn: (b: RoomBuilder) => T | Promise<T>, opts: RoomOpOptions): Promise<{ value: T; events: CommittedEvent[] }> {
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const head = await this.head(roomId);
      if (!head) throw new MatrixError('M_NOT_FOUND', 'Unknown room');
      const b = new RoomBuilder(head, this.#signer, this.#now);
      const value = await fn(b);
      if (b.events.length === 0) return { value, events: [] };
      try {
        return { value, events: await this.#commit(b, head, opts) };
      } catch (e) {
        if (!(e instanceof StaleRoomError)) throw e;
      }
    }
    // Another process keeps writing to this room: build under its lock instead.
    let builder: RoomBuilder | null = null;
    const out = await this.#persister.persistExclusive(roomId, async (q) => {
      const head = await this.#store.loadHead(roomId, q);
      if (!head) throw new MatrixError('M_NOT_FOUND', 'Unknown room');
      const b = new RoomBuilder(head, this.#signer, this.#now);
      const value = await fn(b);
      builder = b;
      return { value, write: b.events.length === 0 ? null : this.#writeOf(b, head, opts) };
    }).catch((e: unknown) => {
      this.#heads.delete(roomId);
      throw e;
    });
    const b = builder as RoomBuilder | null;
    if (!out.result || !b) return { value: out.value, events: [] };
    const result = out.result;
    this.#remember(b.headAfter(result.stateGroup, result.chainLength));
    return { value: out.value, events: b.events.map((e, i) => ({ eventId: e.eventId, view: e.view, position: result.positions[i]! })) };
  }

  #writeOf(b: RoomBuilder, head: RoomHead, opts: RoomOpOptions): RoomWrite {
    return {
      roomId: b.roomId,
      events: b.events,
      expectedExtremities: head.extremities,
      baseGroup: head.stateGroup,
      baseChainLength: head.chainLength,
      ...(opts.newRoom ? { newRoom: opts.newRoom } : {}),
      ...(opts.aliases ? { aliases: opts.aliases } : {}),
    };
  }

  async #commit(b: RoomBuilder, head: RoomHead, opts: RoomOpOptions): Promise<CommittedEvent[]> {
    const write = this.#writeOf(b, head, opts);
    try {
      const result = await this.#persister.persist(write);
      this.#remember(b.headAfter(result.stateGroup, result.chainLength));
      return b.events.map((e, i) => ({ eventId: e.eventId, view: e.view, position: result.positions[i]! }));
    } catch (e) {
      this.#heads.delete(b.roomId);
      throw e;
    }
  }

  /** Drops a cached head (tests; or when another component changed the room). */
  forget(roomId: string): void {
    this.#heads.delete(roomId);
  }
}

/**
 * From v12 the room id is the create event's reference hash, and a create event holds little
 * more than its sender and timestamp: two rooms made by one user in the same millisecond would
 * get the same id. Create events of this process therefore get strictly increasing timestamps.
 */
let lastCreateTs = 0;
export function uniqueCreateTs(ts: number): number {
  lastCreateTs = Math.max(ts, lastCreateTs + 1);
  return lastCreateTs;
}

