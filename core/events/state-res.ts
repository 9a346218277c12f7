// Entry point for state resolution: picks the algorithm the room version uses
// (rooms/_index.md feature matrix: v1 → state res v1, v2–v11 → v2, v12 → v2 with v12's changes).

import type { StateKey } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import type { AuthOptions } from './auth-rules.ts';
import type { StateResStore } from './state-res-graph.ts';
import { resolveStateV1 } from './state-res-v1.ts';
import { resolveStateV2, type StateMap } from './state-res-v2.ts';

export function resolveState(
  stateSets: readonly StateMap[],
  version: RoomVersion,
  store: StateResStore,
  options: { authOptions?: AuthOptions; sliceMs?: number } = {},
): Promise<Map<StateKey, string>> {
  return version.stateRes === 'v1'
    ? resolveStateV1(stateSets, version, store, options)
    : resolveStateV2(stateSets, version, store, options);
}
