// Benchmark of the auth rules and state resolution. Prints figures; asserts nothing.
// Run: node test/bench/events-auth.ts
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EventView, StateKey } from '../../core/events/pdu.ts';
import { stateKey } from '../../core/events/pdu.ts';
import { roomVersion, type RoomVersion } from '../../core/events/room-versions.ts';
import { authorize } from '../../core/events/auth-rules.ts';
import { selectAuthEvents } from '../../core/events/auth-events.ts';
import { resolveState } from '../../core/events/state-res.ts';
import type { StateResStore } from '../../core/events/state-res-graph.ts';
import { ALICE, RoomFixture, fakeEvent, join, member, stateEv, type EventSpec } from '../support/events.ts';

// Collect the garbage left by building the fixtures before each timed run, so a major GC owed
// to fixture building is not charged to the resolution being measured.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const user = (i: number): string => `@user${i}:u${i % 50}.example`;

class AsyncStore implements StateResStore {
  readonly events: Map<string, EventView>;
  constructor(events: Map<string, EventView>) {
    this.events = events;
  }
  async getEvents(ids: readonly string[]): Promise<ReadonlyMap<string, EventView>> {
    const out = new Map<string, EventView>();
    for (const id of ids) {
      const e = this.events.get(id);
      if (e) out.set(id, e);
    }
    return out;
  }
}

function authBench(v: RoomVersion): void {
  const room = RoomFixture.standard(v);
  for (let i = 0; i < 200; i++) room.add(join(user(i)));
  const msg = room.build({ type: 'm.room.message', sender: user(7), content: { body: 'hi' } });
  const joinEv = room.build(join(user(9999)));
  const kick = room.build(member(ALICE, user(3), 'leave'));
  const pl = room.build(stateEv('m.room.power_levels', ALICE, { users: v.privilegedCreators ? { [user(1)]: 50 } : { [ALICE]: 100, [user(1)]: 50 } }));
  const events = [msg, joinEv, kick, pl];
  const N = 400_000;
  let allowed = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) if (authorize(events[i & 3]!, room.lookup, v).allowed) allowed++;
  const ms = performance.now() - t0;
  console.log(`auth checks v${v.id}: ${Math.round(N / (ms / 1000)).toLocaleString('en')} /s (${allowed}/${N} allowed, mix of message/join/kick/power_levels)`);
}

/** Appends an event on top of `prev` using `state` for auth events; updates `state`. */
function append(
  v: RoomVersion,
  roomId: string,
  events: Map<string, EventView>,
  state: Map<StateKey, string>,
  prev: string,
  depth: number,
  spec: EventSpec,
): EventView {
  const auth = selectAuthEvents(
    { type: spec.type, sender: spec.sender, state_key: spec.state_key, content: spec.content ?? {} },
    (t, k) => state.get(stateKey(t, k)),
    v,
  );
  const ev = fakeEvent({ ...spec, prev_events: [prev], auth_events: auth, depth }, roomId);
  events.set(ev.event_id, ev);
  if (ev.state_key !== undefined) state.set(stateKey(ev.type, ev.state_key), ev.event_id);
  return ev;
}

function bigRoom(v: RoomVersion, members: number, total: number) {
  const room = RoomFixture.standard(v);
  for (let i = 0; i < members; i++) room.add(join(user(i)));
  while (room.events.size < total) room.add({ type: 'm.room.message', sender: user(room.events.size % members), content: { body: 'x' } });
  const events = new Map(room.events);
  const base = new Map<StateKey, string>([...room.state].map(([k, e]) => [k, e.event_id]));
  const head = [...room.events.values()].at(-1)!;
  return { room, events, base, head };
}

let worstBlockMs = 0;

async function timeResolve(label: string, v: RoomVersion, sets: Map<StateKey, string>[], store: StateResStore): Promise<void> {
  collect();
  const h = monitorEventLoopDelay({ resolution: 1 });
  let lastTick = performance.now();
  let maxGap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - lastTick);
    lastTick = now;
  }, 1);
  h.enable();
  const t0 = performance.now();
  const out = await resolveState(sets, v, store);
  const ms = performance.now() - t0;
  h.disable();
  clearInterval(probe);
  worstBlockMs = Math.max(worstBlockMs, h.max / 1e6, maxGap);
  console.log(
    `${label} v${v.id}: ${ms.toFixed(1)} ms, ${out.size} keys resolved; longest event-loop block: ` +
      `${(h.max / 1e6).toFixed(1)} ms (monitorEventLoopDelay), ${maxGap.toFixed(1)} ms (1 ms interval probe)`,
  );
}

/**
 * Two forks of a 30k-event room, five state events each. With `powerTwice`, fork a's first two
 * events change the power levels: the first of them is then in a's auth chain only, and the
 * resolver must walk the unconflicted state's auth chain to rule it out of b's (the slow path).
 */
async function forkBench(v: RoomVersion, powerTwice = false): Promise<void> {
  const { room, events, base, head } = bigRoom(v, 10_000, 30_000);
  const a = new Map(base);
  const b = new Map(base);
  let pa = head.event_id;
  let pb = head.event_id;
  const users = v.privilegedCreators ? { [user(1)]: 50 } : { [ALICE]: 100, [user(1)]: 50 };
  // Five state events on each side: ten state events between the two forks.
  for (let i = 0; i < 5; i++) {
    const d = head.depth + i + 1;
    const sa =
      powerTwice && i < 2
        ? stateEv('m.room.power_levels', ALICE, { users, state_default: 50 + i })
        : i < 3
          ? stateEv('m.room.topic', ALICE, { topic: `a${i}` })
          : join(user(i), { displayname: `a${i}` });
    const sb = i < 3 ? stateEv('m.room.name', ALICE, { name: `b${i}` }) : join(user(100 + i), { displayname: `b${i}` });
    pa = append(v, room.roomId, events, a, pa, d, sa).event_id;
    pb = append(v, room.roomId, events, b, pb, d, sb).event_id;
  }
  const what = powerTwice ? 'fork a changes power levels twice' : 'forks differ by 10 state events';
  const label = `30k-event room (${events.size} events, ${base.size} state), ${what}`;
  await timeResolve(`${label} [cold]`, v, [a, b], new AsyncStore(events));
  await timeResolve(`${label} [warm]`, v, [a, b], new AsyncStore(events));
}

async function membershipBench(v: RoomVersion): Promise<void> {
  const { room, events, base, head } = bigRoom(v, 1_000, 2_000);
  const a = new Map(base);
  const b = new Map(base);
  let pa = head.event_id;
  let pb = head.event_id;
  for (let i = 0; i < 1000; i++) {
    pa = append(v, room.roomId, events, a, pa, head.depth + i + 1, join(user(i), { displayname: `n${i}` })).event_id;
    pb = append(v, room.roomId, events, b, pb, head.depth + i + 1, member(ALICE, user(i), i % 2 ? 'ban' : 'leave')).event_id;
  }
  await timeResolve('1,000 conflicted memberships (kicks/bans vs updates) [cold]', v, [a, b], new AsyncStore(events));
  await timeResolve('1,000 conflicted memberships (kicks/bans vs updates) [warm]', v, [a, b], new AsyncStore(events));
}

// "cold" is the first resolution of its kind in this process: it includes compiling the
// resolver, so whichever version runs first (v11) carries most of that cost.
for (const id of ['11', '12']) authBench(roomVersion(id)!);
for (const id of ['11', '12']) await forkBench(roomVersion(id)!);
for (const id of ['11', '12']) await forkBench(roomVersion(id)!, true);
for (const id of ['11', '12']) await membershipBench(roomVersion(id)!);
console.log(`longest event-loop block over all resolutions: ${worstBlockMs.toFixed(1)} ms`);
