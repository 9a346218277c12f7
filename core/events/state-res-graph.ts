// Graph plumbing for state resolution: an event cache filled through an async store, auth-chain
// walks with explicit stacks (30k-event chains must not overflow the call stack), a binary heap
// for Kahn's algorithm, and a cooperative yielder that keeps the event loop responsive.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventView } from './pdu.ts';

/** Where state resolution gets events. Unknown ids are simply absent from the answer. */
export interface StateResStore {
  getEvents(ids: readonly string[]): Promise<ReadonlyMap<string, EventView>> | ReadonlyMap<string, EventView>;
  /** Events rejected on receipt; rejected auth events are never used as a fallback in auth checks. */
  isRejected?(eventId: string): boolean;
  /**
   * Optional auth-chain index (e.g. a persisted chain cover, as Synapse keeps): the auth
   * difference of the given state sets (each the event ids of one set), i.e. every event in the
   * full auth chain of some set but not of all, where a set's full auth chain holds its events
   * and everything reachable from them through auth_events. Only events the store holds count.
   * Without it the resolver walks the auth graph itself.
   */
  authChainDifference?(stateSets: readonly (readonly string[])[]): Promise<Iterable<string>> | Iterable<string>;
}

/** Longest stretch of synchronous work between yields, in ms (the budget is ~20 ms). */
export const DEFAULT_SLICE_MS = 5;
/** Steps between clock readings: where it starts, and its ceiling for very cheap steps. */
const INITIAL_CHECK_EVERY = 16;
const MAX_CHECK_EVERY = 128;
/** Weight of a step that runs the auth rules (or similar), against 1 for a Set or Map operation. */
export const HEAVY_STEP = 32;
/** Largest batch asked of the store at once, so one answer never takes long to absorb. */
const LOAD_BATCH = 512;

/**
 * Counts steps and, every so often, says it is time to give the event loop a turn. How often it
 * reads the clock adapts to the cost of a step: a walk over a Set may take 128 steps between
 * readings, while a few auth checks already cost a good part of a slice. When readings come
 * further apart than an eighth of the slice the interval shrinks in proportion; when they are
 * very close it doubles. Loops whose steps are known to be costly (auth checks) say so with a
 * weight, so a loop that follows a cheap one does not first run 128 costly steps unchecked.
 */
export class Yielder {
  private steps = 0;
  private every = INITIAL_CHECK_EVERY;
  private last = performance.now();
  private lastCheck = this.last;
  private readonly sliceMs: number;

  constructor(sliceMs = DEFAULT_SLICE_MS) {
    this.sliceMs = sliceMs;
  }

  /** Synchronous and cheap: true when the caller should `await pause()`. */
  step(weight = 1): boolean {
    this.steps += weight;
    if (this.steps < this.every) return false;
    this.steps = 0;
    const now = performance.now();
    const sinceCheck = now - this.lastCheck;
    this.lastCheck = now;
    const target = this.sliceMs / 8;
    if (sinceCheck > target) this.every = Math.max(1, Math.floor((this.every * target) / sinceCheck));
    else if (sinceCheck < target / 8 && this.every < MAX_CHECK_EVERY) this.every <<= 1;
    return now - this.last >= this.sliceMs;
  }

  /** True when the slice is used up (for coarse steps, such as a batch of store answers). */
  due(): boolean {
    return performance.now() - this.last >= this.sliceMs;
  }

  async pause(): Promise<void> {
    await nextTurn();
    this.last = performance.now();
    this.lastCheck = this.last;
  }
}

export class EventCache {
  private readonly events = new Map<string, EventView>();
  private readonly missing = new Set<string>();
  private readonly store: StateResStore;

  constructor(store: StateResStore) {
    this.store = store;
  }

  get(id: string): EventView | undefined {
    return this.events.get(id);
  }

  isRejected(id: string): boolean {
    return this.store.isRejected?.(id) ?? false;
  }

  /**
   * Fetches the ids not yet known, in batches of at most LOAD_BATCH. With a yielder it gives the
   * event loop a turn between batches: an awaited store answer that is already there resumes
   * as a microtask, so a long run of batches would otherwise be one synchronous stretch.
   */
  async load(ids: Iterable<string>, y?: Yielder): Promise<void> {
    let want: string[] = [];
    for (const id of ids) {
      if (this.events.has(id) || this.missing.has(id)) continue;
      want.push(id);
      if (want.length >= LOAD_BATCH) {
        await this.fetch(want);
        want = [];
        if (y?.due()) await y.pause();
      }
    }
    if (want.length > 0) await this.fetch(want);
  }

  private async fetch(want: readonly string[]): Promise<void> {
    const got = await this.store.getEvents(want);
    for (const id of want) {
      const ev = got.get(id);
      if (ev && ev.event_id === id) this.events.set(id, ev);
      else this.missing.add(id);
    }
  }

  /**
   * The events reachable from `starts` through auth_events, `starts` included, breadth-first
   * one batch per level. `stop(id)` prunes a node and everything only reachable through it.
   */
  async closure(starts: Iterable<string>, y: Yielder, stop?: (id: string) => boolean): Promise<Set<string>> {
    const seen = new Set<string>();
    let frontier: string[] = [];
    for (const id of starts) {
      if (seen.has(id) || stop?.(id)) continue;
      seen.add(id);
      frontier.push(id);
    }
    while (frontier.length > 0) {
      await this.load(frontier, y);
      const next: string[] = [];
      for (const id of frontier) {
        if (y.step()) await y.pause();
        const ev = this.events.get(id);
        if (!ev) continue;
        for (const a of ev.auth_events) {
          if (seen.has(a) || stop?.(a)) continue;
          seen.add(a);
          next.push(a);
        }
      }
      frontier = next;
    }
    for (const id of seen) if (!this.events.has(id)) seen.delete(id);
    return seen;
  }

  /**
   * Which of `targets` are reachable from `starts` through auth_events (starts included). Walks
   * breadth-first like closure, never into `prune`d ids, and stops as soon as every target is
   * found — so asking about nothing costs nothing. Targets are ids already known to exist
   * (whether a target the store lacks is cited somewhere is not a question worth a walk).
   */
  async reachable(
    starts: Iterable<string>,
    targets: ReadonlySet<string>,
    y: Yielder,
    prune: (id: string) => boolean,
  ): Promise<Set<string>> {
    const found = new Set<string>();
    if (targets.size === 0) return found;
    const seen = new Set<string>();
    let frontier: string[] = [];
    const visit = (id: string): void => {
      if (seen.has(id) || prune(id)) return;
      seen.add(id);
      if (targets.has(id)) found.add(id);
      frontier.push(id);
    };
    for (const id of starts) visit(id);
    while (frontier.length > 0 && found.size < targets.size) {
      const level = frontier;
      frontier = [];
      await this.load(level, y);
      for (const id of level) {
        if (y.step()) await y.pause();
        const ev = this.events.get(id);
        if (!ev) continue;
        for (const a of ev.auth_events) visit(a);
        if (found.size === targets.size) break;
      }
    }
    return found;
  }
}

/** A binary min-heap under `less`. */
export class Heap<T> {
  private readonly items: T[] = [];
  private readonly less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.less = less;
  }

  get size(): number {
    return this.items.length;
  }

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Kahn's algorithm over `edges` (node → the nodes it depends on, i.e. its auth events), always
 * taking the `less`-smallest ready node: the lexicographically smallest topological order,
 * dependencies first. Nodes on a cycle (only possible with malformed input) come last, in `less` order.
 */
export async function lexicographicTopoSort(
  nodes: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
  less: (a: string, b: string) => boolean,
  y: Yielder,
): Promise<string[]> {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) {
    const deps = edges.get(n) ?? [];
    pending.set(n, deps.length);
    for (const d of deps) {
      const list = dependents.get(d);
      if (list) list.push(n);
      else dependents.set(d, [n]);
    }
  }
  const heap = new Heap<string>(less);
  for (const n of nodes) if (pending.get(n) === 0) heap.push(n);
  const out: string[] = [];
  while (heap.size > 0) {
    if (y.step()) await y.pause();
    const n = heap.pop()!;
    out.push(n);
    for (const d of dependents.get(n) ?? []) {
      const left = pending.get(d)! - 1;
      pending.set(d, left);
      if (left === 0) heap.push(d);
    }
  }
  if (out.length < nodes.length) {
    const done = new Set(out);
    const rest = nodes.filter((n) => !done.has(n)).sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
    out.push(...rest);
  }
  return out;
}
