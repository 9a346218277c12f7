// Appservice admin API handlers (server admins only: auth kind 'admin').
import { route, type Route } from '../../http/route.ts';
import type { AppserviceAdmin } from '../../ports/appservice-admin.ts';
import {
  createAppservice,
  deleteAppservice,
  getAppservice,
  listAppservicePuppets,
  listAppservices,
  pauseAppservice,
  resumeAppservice,
} from '../../spec/endpoints/admin-appservices.ts';

const DEFAULT_PUPPETS_PER_PAGE = 100;

export function appserviceAdminRoutes(deps: { appservices: AppserviceAdmin }): Route[] {
  const { appservices } = deps;
  return [
    route(listAppservices, async () => appservices.list()),
    route(getAppservice, async ({ params }) => appservices.get(params.appserviceId)),
    route(createAppservice, async ({ body }) => appservices.register(body)),
    route(deleteAppservice, async ({ params }) => {
      await appservices.remove(params.appserviceId);
      return {};
    }),
    route(pauseAppservice, async ({ params }) => appservices.setPaused(params.appserviceId, true)),
    route(resumeAppservice, async ({ params }) => appservices.setPaused(params.appserviceId, false)),
    route(listAppservicePuppets, async ({ params, query }) =>
      appservices.listPuppets(params.appserviceId, { prefix: query.prefix, from: query.from, limit: query.limit ?? DEFAULT_PUPPETS_PER_PAGE }),
    ),
  ];
}
