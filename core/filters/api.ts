// The narrow interfaces of the filters feature: handlers use FiltersApi, /sync uses
// FiltersForSync to turn its `filter` query parameter into a Filter (the pure application
// functions are in apply.ts).
import type { Requester } from '../spec/endpoint.ts';
import type { Filter } from './filter.ts';

export interface FiltersApi {
  createFilter(requester: Requester, userId: string, body: Record<string, unknown>): Promise<{ filter_id: string }>;
  getFilter(requester: Requester, userId: string, filterId: string): Promise<Filter>;
}

export interface FiltersForSync {
  /**
   * /sync's `filter` parameter: a stored filter id of the user, or a filter as JSON text (it
   * starts with `{`). Absent → the empty filter. Unknown ids and bad JSON are M_INVALID_PARAM or
   * M_NOT_JSON.
   */
  resolveSyncFilter(userId: string, param: string | undefined): Promise<Filter>;
}
