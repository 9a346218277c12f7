// Appservice admin API handlers (server admins only: auth kind 'admin'). The delivery endpoints
// (state, force retry, drop queue) are declared here next to their handlers.
import { route, type Route } from '../../http/route.ts';
import { endpoint } from '../../spec/endpoint.ts';
import { object, str } from '../../spec/shape.ts';
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
const BASE = '/_switchyard/admin/v1/appservices';
const idParams = object({ appserviceId: str() });

/** Last error, next retry time, lag and queue depth. */
export const getAppserviceDelivery = endpoint({ name: 'getAppserviceDelivery', method: 'GET', paths: [`${BASE}/:appserviceId/delivery`], auth: 'admin', params: idParams });
/** Retry the head transaction now rather than after the backoff. */
export const retryAppserviceDelivery = endpoint({ name: 'retryAppserviceDelivery', method: 'POST', paths: [`${BASE}/:appserviceId/delivery/retry`], auth: 'admin', params: idParams });
/** Forget the queued transactions (answers { dropped }). */
export const dropAppserviceQueue = endpoint({ name: 'dropAppserviceQueue', method: 'POST', paths: [`${BASE}/:appserviceId/delivery/drop_queue`], auth: 'admin', params: idParams });

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
    route(getAppserviceDelivery, async ({ params }) => appservices.deliveryStatus(params.appserviceId)),
    route(retryAppserviceDelivery, async ({ params }) => {
      await appservices.retryNow(params.appserviceId);
      return {};
    }),
    route(dropAppserviceQueue, async ({ params }) => appservices.dropQueue(params.appserviceId)),
  ];
}
