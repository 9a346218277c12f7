// Handler for /sync (client-server-api "Syncing").
import { route, type Route } from '../../http/route.ts';
import type { SyncApi } from '../../sync/api.ts';
import { getSync } from '../../spec/endpoints/sync.ts';

export function syncRoutes(deps: { sync: SyncApi }): Route[] {
  const { sync } = deps;
  return [
    route(getSync, async ({ requester, query }) =>
      sync.sync({
        requester,
        ...(query.filter !== undefined ? { filter: query.filter } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}),
        fullState: query.full_state ?? false,
        ...(query.set_presence !== undefined ? { setPresence: query.set_presence } : {}),
        timeoutMs: query.timeout ?? 0,
      }),
    ),
  ];
}
