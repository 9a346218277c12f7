// Bridge admin API handler (server admins only: auth kind 'admin').
import { route, type Route } from '../../http/route.ts';
import { listBridges } from '../../spec/endpoints/admin-bridges.ts';
import type { BridgeAdmin } from '../../ports/bridge-admin.ts';

export function bridgeAdminRoutes(deps: { bridges: BridgeAdmin }): Route[] {
  return [route(listBridges, async () => deps.bridges.list())];
}
