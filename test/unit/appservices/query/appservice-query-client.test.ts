// The query client: its own concurrency limit, hs_token auth, and every failure mapped to a
// reason (never the appservice's body).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { AppserviceQueryClient } from '../../../../appservices/query/client.ts';

let server: Server;
let url = '';
let inFlight = 0;
let maxInFlight = 0;
const held: ServerResponse[] = [];
before(async () => {
  server = createServer((req, res) => {
    const path = req.url!;
    if (path.startsWith('/_matrix/app/v1/users/')) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end(JSON.stringify({ auth: req.headers.authorization }));
      }, 20);
    } else if (path === '/404') res.writeHead(404).end('{}');
    else if (path === '/500') res.writeHead(500).end('{"errcode":"M_X"}');
    else if (path === '/bad') res.writeHead(200).end('not json');
    else held.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('at most `concurrency` queries in flight; hs_token in the Authorization header', async () => {
  const client = new AppserviceQueryClient({ timeoutMs: 2000, concurrency: 3 });
  const as = { url, hsToken: 'hs-secret' };
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => client.get(as, `/_matrix/app/v1/users/u${i}`)));
  assert.equal(maxInFlight, 3);
  for (const r of results) assert.deepEqual(r, { ok: true, status: 200, body: { auth: 'Bearer hs-secret' } });
});

test('404, 5xx, bad JSON, timeouts, refused connections and url: null are failures', async () => {
  const client = new AppserviceQueryClient({ timeoutMs: 5000, concurrency: 2 });
  const impatient = new AppserviceQueryClient({ timeoutMs: 100, concurrency: 1 });
  const as = { url, hsToken: 'h' };
  assert.deepEqual(await client.get(as, '/404'), { ok: false, reason: 'not_found' });
  assert.deepEqual(await client.get(as, '/500'), { ok: false, reason: 'error' });
  assert.deepEqual(await client.get(as, '/bad'), { ok: false, reason: 'error' });
  assert.deepEqual(await impatient.get(as, '/hang'), { ok: false, reason: 'timeout' });
  assert.deepEqual(await client.get({ url: 'http://127.0.0.1:1', hsToken: 'h' }, '/x'), { ok: false, reason: 'error' });
  assert.deepEqual(await client.get({ url: null, hsToken: 'h' }, '/x'), { ok: false, reason: 'not_found' });
  // A timed-out query frees its (only) slot.
  impatient.get(as, '/hang').catch(() => undefined);
  assert.deepEqual(await impatient.get(as, '/hang'), { ok: false, reason: 'timeout' });
});
