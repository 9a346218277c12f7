import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSyncToken, parseSyncToken, ZERO_POSITION } from '../../../core/sync/token.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

test('sync tokens round trip and short tokens read missing streams as 0', () => {
  const p = { events: 12, receipts: 3, accountData: 4, presence: 5, typing: 1700000000123, toDevice: 7, deviceLists: 8 };
  assert.deepEqual(parseSyncToken(formatSyncToken(p)), p);
  assert.deepEqual(parseSyncToken('s42'), { ...ZERO_POSITION, events: 42 });
});

test('malformed sync tokens are M_INVALID_PARAM', () => {
  for (const t of ['', 's', 'x1_2', 's1_2_3_4_5_6_7_8', 's-1', 's1__2', 's99999999999999999999']) {
    assert.throws(() => parseSyncToken(t), (e: unknown) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM', t);
  }
});
