// Many rooms created at once by one user all succeed with distinct ids. In v12 the room id is the
// create event's hash, so two creates in one millisecond used to collide (and fail as stale).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../../support/hub.ts';
import { registerAccount } from '../../support/rooms-clients.ts';

let te: TestEnv;
let hub: TestHub;
before(async () => {
  te = await testEnv();
  hub = await startTestHub(te);
});
after(async () => {
  await hub?.stop();
  await te?.cleanup();
});

test('80 concurrent createRoom calls by one user give 80 rooms', async () => {
  const me = await registerAccount(hub.url, 'builder');
  const results = await Promise.all(
    Array.from({ length: 80 }, async () => {
      const r = await fetch(`${hub.url}/_matrix/client/v3/createRoom`, {
        method: 'POST',
        headers: { authorization: `Bearer ${me.accessToken}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: r.status, body: (await r.json()) as { room_id?: string; error?: string } };
    }),
  );
  assert.deepEqual(results.filter((r) => r.status !== 200), []);
  assert.equal(new Set(results.map((r) => r.body.room_id)).size, 80);
});
