// /versions lists only spec versions whose endpoints Switchyard serves; unstable_features lists
// only what is really implemented. The .well-known documents come from config.
import { MatrixError } from '../../spec/errors.ts';
import { getVersions, getWellKnownClient, getWellKnownServer } from '../../spec/endpoints/discovery.ts';
import { route, type Route } from '../../http/route.ts';

export const SUPPORTED_VERSIONS = ['v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'];

export interface DiscoveryDeps {
  publicBaseUrl: string;
  wellKnownClient: Record<string, unknown> | null;
  wellKnownServer: string | null;
  unstableFeatures: Readonly<Record<string, boolean>>;
}

export function discoveryRoutes(deps: DiscoveryDeps): Route[] {
  return [
    route(getVersions, async () => ({ versions: SUPPORTED_VERSIONS, unstable_features: deps.unstableFeatures })),
    route(getWellKnownClient, async () => ({
      'm.homeserver': { base_url: deps.publicBaseUrl },
      ...deps.wellKnownClient,
    })),
    route(getWellKnownServer, async () => {
      if (!deps.wellKnownServer) throw new MatrixError('M_NOT_FOUND', 'No server delegation is configured');
      return { 'm.server': deps.wellKnownServer };
    }),
  ];
}
