// Handlers for filters (client-server-api "Filtering").
import { route, type Route } from '../../http/route.ts';
import type { FiltersApi } from '../../filters/api.ts';
import { createFilter, getFilter } from '../../spec/endpoints/filters.ts';

export function filterRoutes(deps: { filters: FiltersApi }): Route[] {
  const { filters } = deps;
  return [
    route(createFilter, ({ requester, params, body }) => filters.createFilter(requester, params.userId, body)),
    route(getFilter, ({ requester, params }) => filters.getFilter(requester, params.userId, params.filterId)),
  ];
}
