// Stored filters (client-server-api "Filtering": POST /user/{userId}/filter, GET
// /user/{userId}/filter/{filterId}) and the /sync `filter` parameter.
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import type { Db } from '../storage/db.ts';
import type { FiltersApi, FiltersForSync } from './api.ts';
import { parseFilter, type Filter } from './filter.ts';
import { FiltersStore } from './store.ts';

const FILTER_ID = /^\d{1,15}$/;

export class FiltersService implements FiltersApi, FiltersForSync {
  readonly #store: FiltersStore;
  constructor(deps: { db: Db }) {
    this.#store = new FiltersStore(deps.db);
  }

  async createFilter(requester: Requester, userId: string, body: Record<string, unknown>): Promise<{ filter_id: string }> {
    if (requester.userId !== userId) throw new MatrixError('M_FORBIDDEN', 'Cannot create filters for other users');
    // Stored as validated (typed fields only) so a later read never meets an invalid filter.
    const filter = parseFilter(body, 'body');
    return { filter_id: String(await this.#store.add(userId, filter)) };
  }

  async getFilter(requester: Requester, userId: string, filterId: string): Promise<Filter> {
    if (requester.userId !== userId) throw new MatrixError('M_FORBIDDEN', 'Cannot get filters for other users');
    const stored = FILTER_ID.test(filterId) ? await this.#store.get(userId, Number(filterId)) : undefined;
    if (stored === undefined) throw new MatrixError('M_NOT_FOUND', 'No such filter');
    return stored as Filter;
  }

  async resolveSyncFilter(userId: string, param: string | undefined): Promise<Filter> {
    if (param === undefined || param === '') return {};
    if (param.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(param);
      } catch {
        throw new MatrixError('M_NOT_JSON', 'filter is not valid JSON');
      }
      return parseFilter(json, 'query');
    }
    const stored = FILTER_ID.test(param) ? await this.#store.get(userId, Number(param)) : undefined;
    if (stored === undefined) throw new MatrixError('M_INVALID_PARAM', 'No such filter');
    return stored as Filter;
  }
}

export const FILTERS_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
