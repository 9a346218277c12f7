import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixError, ERRCODE_STATUS } from '../../../core/spec/errors.ts';

test('MatrixError takes its status from the errcode map and renders spec JSON', () => {
  const e = new MatrixError('M_UNKNOWN_TOKEN', 'Token expired', { extra: { soft_logout: true } });
  assert.equal(e.status, 401);
  assert.deepEqual(e.toJSON(), { errcode: 'M_UNKNOWN_TOKEN', error: 'Token expired', soft_logout: true });
});

test('every errcode maps to a 4xx or 5xx status', () => {
  for (const [code, status] of Object.entries(ERRCODE_STATUS)) {
    assert.ok(status >= 400 && status < 600, code);
  }
});
