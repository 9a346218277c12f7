// Builds small room DAGs for state-resolution tests: events named by node ids, chains of
// prev_event edges, the state after every node computed with the resolver under test, and
// auth events selected from the state before each node — the shape of Synapse's and
// Dendrite's well-known v2 scenarios, written afresh.

import type { EventView, JsonObject, StateKey } from '../../core/events/pdu.ts';
import { stateKey } from '../../core/events/pdu.ts';
import type { RoomVersion } from '../../core/events/room-versions.ts';
import { selectAuthEvents } from '../../core/events/auth-events.ts';
import { resolveState } from '../../core/events/state-res.ts';
import type { StateResStore } from '../../core/events/state-res-graph.ts';

export const A = '@alice:example.com';
export const B = '@bob:example.com';
export const C = '@charlie:example.com';
export const E = '@evelyn:example.com';
export const Z = '@zara:example.com';

export interface Node {
  readonly id: string;
  readonly sender: string;
  readonly type: string;
  readonly stateKey?: string;
  readonly content: JsonObject;
}

export const node = (id: string, sender: string, type: string, stateKey: string | undefined, content: JsonObject = {}): Node => ({
  id,
  sender,
  type,
  ...(stateKey !== undefined ? { stateKey } : {}),
  content,
});
export const memberNode = (id: string, sender: string, target: string, membership: string): Node =>
  node(id, sender, 'm.room.member', target, { membership });

/** Power levels content; v12 creators may not be listed, so Alice is dropped there. */
export function levels(version: RoomVersion, users: Record<string, number>, extra: JsonObject = {}): JsonObject {
  const u: JsonObject = {};
  for (const [k, v] of Object.entries(users)) if (!(version.privilegedCreators && k === A)) u[k] = v;
  return { users: u, ...extra };
}

export function initialNodes(version: RoomVersion): Node[] {
  return [
    node('CREATE', A, 'm.room.create', '', version.createEventHasCreator ? { creator: A } : {}),
    memberNode('IMA', A, A, 'join'),
    node('IPOWER', A, 'm.room.power_levels', '', levels(version, { [A]: 100 })),
    node('IJR', A, 'm.room.join_rules', '', { join_rule: 'public' }),
    memberNode('IMB', B, B, 'join'),
    memberNode('IMC', C, C, 'join'),
    memberNode('IMZ', Z, Z, 'join'),
    node('START', Z, 'm.room.message', undefined),
    node('END', Z, 'm.room.message', undefined),
  ];
}
export const INITIAL_EDGES = ['START', 'IMZ', 'IMC', 'IMB', 'IJR', 'IPOWER', 'IMA', 'CREATE'];

export const eventIdOf = (nodeId: string): string => `$${nodeId}:example.com`;

export class MapStore implements StateResStore {
  readonly events: Map<string, EventView>;
  constructor(events: Map<string, EventView>) {
    this.events = events;
  }
  getEvents(ids: readonly string[]): ReadonlyMap<string, EventView> {
    const out = new Map<string, EventView>();
    for (const id of ids) {
      const e = this.events.get(id);
      if (e) out.set(id, e);
    }
    return out;
  }
}

/** Builds the DAG (edges are chains, newest first) and returns events plus the state after each node. */
export async function buildGraph(
  version: RoomVersion,
  nodes: readonly Node[],
  edges: readonly (readonly string[])[],
): Promise<{ events: Map<string, EventView>; stateAfter: Map<string, Map<StateKey, string>> }> {
  const all = [...initialNodes(version), ...nodes];
  const byId = new Map(all.map((n) => [n.id, n]));
  const prevs = new Map<string, Set<string>>(all.map((n) => [n.id, new Set<string>()]));
  for (const chain of [INITIAL_EDGES, ...edges]) {
    for (let i = 0; i + 1 < chain.length; i++) prevs.get(chain[i]!)!.add(chain[i + 1]!);
  }
  // Topological order by prev edges, ties broken by node id for determinism.
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < all.length) {
    const ready = all
      .map((n) => n.id)
      .filter((id) => !placed.has(id) && [...prevs.get(id)!].every((p) => placed.has(p)))
      .sort();
    if (ready.length === 0) throw new Error('cycle in test graph');
    order.push(ready[0]!);
    placed.add(ready[0]!);
  }
  const roomId = version.roomIdFromCreateEvent ? `!CREATE:example.com` : '!room:example.com';
  const events = new Map<string, EventView>();
  const stateAfter = new Map<string, Map<StateKey, string>>();
  const depth = new Map<string, number>();
  const store = new MapStore(events);
  let ts = 0;
  for (const id of order) {
    const n = byId.get(id)!;
    const prevIds = [...prevs.get(id)!].sort();
    let before: Map<StateKey, string>;
    if (prevIds.length === 0) before = new Map();
    else if (prevIds.length === 1) before = new Map(stateAfter.get(prevIds[0]!)!);
    else before = await resolveState(prevIds.map((p) => stateAfter.get(p)!), version, store);
    const auth =
      n.type === 'm.room.create'
        ? []
        : selectAuthEvents({ type: n.type, sender: n.sender, state_key: n.stateKey, content: n.content }, (t, k) => before.get(stateKey(t, k)), version);
    const d = Math.max(0, ...prevIds.map((p) => depth.get(p)!)) + 1;
    depth.set(id, d);
    const ev: EventView = {
      event_id: eventIdOf(id),
      room_id: n.type === 'm.room.create' && version.roomIdFromCreateEvent ? '' : roomId,
      type: n.type,
      ...(n.stateKey !== undefined ? { state_key: n.stateKey } : {}),
      sender: n.sender,
      content: n.content,
      origin_server_ts: ts++,
      depth: d,
      prev_events: prevIds.map(eventIdOf),
      auth_events: auth,
    };
    events.set(ev.event_id, ev);
    const after = new Map(before);
    if (n.stateKey !== undefined) after.set(stateKey(n.type, n.stateKey), ev.event_id);
    stateAfter.set(id, after);
  }
  return { events, stateAfter };
}

/** The state at END restricted to the expected keys and whatever changed since START. */
export async function endStateDiff(
  version: RoomVersion,
  nodes: readonly Node[],
  edges: readonly (readonly string[])[],
  expectedNodes: readonly string[],
): Promise<{ actual: Map<StateKey, string>; expected: Map<StateKey, string> }> {
  const { events, stateAfter } = await buildGraph(version, nodes, edges);
  const expected = new Map<StateKey, string>();
  for (const n of expectedNodes) {
    const ev = events.get(eventIdOf(n))!;
    expected.set(stateKey(ev.type, ev.state_key!), ev.event_id);
  }
  const start = stateAfter.get('START')!;
  const actual = new Map<StateKey, string>();
  for (const [k, v] of stateAfter.get('END')!) if (expected.has(k) || start.get(k) !== v) actual.set(k, v);
  return { actual, expected };
}
