// Stored filters and the /sync `filter` parameter on a real database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FiltersService, FILTERS_MIGRATIONS_DIR } from '../../../core/filters/service.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import { MatrixError } from '../../../core/spec/errors.ts';
import type { UserId } from '../../../core/spec/ids.ts';
import { runMigrations } from '../../../core/storage/migrate.ts';
import { testDatabase, type TestDatabase } from '../../support/database.ts';

const A = '@a:test.x';
const B = '@b:test.x';
const as = (userId: string): Requester => ({ userId: userId as UserId, deviceId: 'D', tokenId: null, appserviceId: null, isGuest: false });

async function rejects(p: Promise<unknown>, errcode: string) {
  await assert.rejects(p, (e: unknown) => e instanceof MatrixError && e.errcode === errcode, errcode);
}

describe('filters service', () => {
  let t: TestDatabase;
  let filters: FiltersService;
  before(async () => {
    t = await testDatabase();
    await runMigrations(t.db, [{ feature: 'filters', dir: FILTERS_MIGRATIONS_DIR }]);
    filters = new FiltersService({ db: t.db });
  });
  after(() => t.cleanup());

  test('ids are strings counting per user; identical filters share an id', async () => {
    const f1 = { room: { timeline: { limit: 5 } } };
    assert.deepEqual(await filters.createFilter(as(A), A, f1), { filter_id: '0' });
    assert.deepEqual(await filters.createFilter(as(A), A, { presence: { not_types: ['*'] } }), { filter_id: '1' });
    assert.deepEqual(await filters.createFilter(as(A), A, { room: { timeline: { limit: 5 } } }), { filter_id: '0' });
    assert.deepEqual(await filters.createFilter(as(B), B, f1), { filter_id: '0' });
    assert.deepEqual(await filters.getFilter(as(A), A, '0'), f1);
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => filters.createFilter(as(A), A, { room: { timeline: { limit: i + 10 } } })));
    assert.deepEqual(ids.map((r) => Number(r.filter_id)).sort((x, y) => x - y), [2, 3, 4, 5, 6, 7]);
  });

  test("others' filters are forbidden; unknown ids are not found", async () => {
    await rejects(filters.getFilter(as(B), A, '0'), 'M_FORBIDDEN');
    await rejects(filters.createFilter(as(B), A, {}), 'M_FORBIDDEN');
    await rejects(filters.getFilter(as(A), A, '999'), 'M_NOT_FOUND');
    await rejects(filters.getFilter(as(A), A, 'abc'), 'M_NOT_FOUND');
    await rejects(filters.createFilter(as(A), A, { room: { timeline: { limit: -1 } } }), 'M_BAD_JSON');
  });

  test('resolveSyncFilter takes an id or inline JSON', async () => {
    assert.deepEqual(await filters.resolveSyncFilter(A, undefined), {});
    assert.deepEqual(await filters.resolveSyncFilter(A, '0'), { room: { timeline: { limit: 5 } } });
    assert.deepEqual(await filters.resolveSyncFilter(A, '{"room":{"state":{"lazy_load_members":true}}}'), { room: { state: { lazy_load_members: true } } });
    await rejects(filters.resolveSyncFilter(A, '{"room":'), 'M_NOT_JSON');
    await rejects(filters.resolveSyncFilter(A, '{"room":{"rooms":"!a:x"}}'), 'M_INVALID_PARAM');
    await rejects(filters.resolveSyncFilter(A, '12345'), 'M_INVALID_PARAM');
    await rejects(filters.resolveSyncFilter(B, '1'), 'M_INVALID_PARAM');
  });
});
