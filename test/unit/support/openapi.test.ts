import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'matrix-js-sdk';
import {
  SpecLog,
  assertValidResponse,
  expectedResponse,
  listOperations,
  matchOperation,
  operationForTemplate,
  specFetch,
  validateResponse,
} from '../../support/openapi.ts';
import type { SpecApi, SpecOperation } from '../../support/openapi.ts';
import { isEventId, isMxcUri, isRoomAlias, isRoomId, isServerName, isUserId } from '../../support/openapi-formats.ts';

const errorsOf = (r: ReturnType<typeof validateResponse>): string[] => (r.ok ? [] : r.errors);

void test('GET /_matrix/client/versions: valid and invalid bodies', () => {
  const ok = validateResponse('client-server', 'GET', '/_matrix/client/versions', 200, {
    versions: ['v1.11', 'v1.19'],
    unstable_features: { 'org.example.feature': true },
  });
  assert.deepEqual(ok, { ok: true, operation: 'GET /_matrix/client/versions' });

  const missing = validateResponse('client-server', 'GET', '/_matrix/client/versions', 200, {});
  assert.equal(missing.ok, false);
  assert.match(errorsOf(missing).join('\n'), /must have required property 'versions'/);

  const wrongType = validateResponse('client-server', 'GET', '/_matrix/client/versions', 200, {
    versions: ['v1.19'],
    unstable_features: { 'org.example.feature': 'yes' },
  });
  assert.match(errorsOf(wrongType).join('\n'), /\/unstable_features\/org\.example\.feature must be boolean/);
});

void test('POST /_matrix/client/v3/login: required fields and formats', () => {
  const good = { user_id: '@alice:example.org', access_token: 'syt_abc', device_id: 'DEVICE' };
  assert.equal(validateResponse('client-server', 'POST', '/_matrix/client/v3/login', 200, good).ok, true);

  const noToken = validateResponse('client-server', 'POST', '/_matrix/client/v3/login', 200, {
    user_id: '@alice:example.org',
    device_id: 'DEVICE',
  });
  assert.match(errorsOf(noToken).join('\n'), /required property 'access_token'/);

  const badUser = validateResponse('client-server', 'POST', '/_matrix/client/v3/login', 200, { ...good, user_id: 'alice' });
  assert.match(errorsOf(badUser).join('\n'), /\/user_id must match format "mx-user-id"/);

  // The login flows listing is a different operation on the same path.
  assert.equal(validateResponse('client-server', 'GET', '/_matrix/client/v3/login', 200, { flows: [{ type: 'm.login.password' }] }).ok, true);
  assert.equal(validateResponse('client-server', 'GET', '/_matrix/client/v3/login', 200, { flows: 'm.login.password' }).ok, false);
});

void test('GET /_matrix/client/v3/profile/{userId}: encoded user id, mxc format, custom fields', () => {
  const path = '/_matrix/client/v3/profile/%40alice%3Aexample.org';
  const r = validateResponse('client-server', 'GET', path, 200, {
    displayname: 'Alice',
    avatar_url: 'mxc://example.org/SEsfnsuifSDFSSEF',
    'm.example_field': 1,
  });
  assert.deepEqual(r, { ok: true, operation: 'GET /_matrix/client/v3/profile/{userId}' });
  const bad = validateResponse('client-server', 'GET', path, 200, { avatar_url: 'https://example.org/a.png' });
  assert.match(errorsOf(bad).join('\n'), /\/avatar_url must match format "mx-mxc-uri"/);
  const badName = validateResponse('client-server', 'GET', path, 200, { displayname: 7 });
  assert.match(errorsOf(badName).join('\n'), /\/displayname must be string/);
});

void test('401 bodies: documented error schema, UIA schema, and the standard error fallback', () => {
  const whoami = '/_matrix/client/v3/account/whoami';
  assert.equal(validateResponse('client-server', 'GET', whoami, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Unknown token' }).ok, true);
  assert.match(errorsOf(validateResponse('client-server', 'GET', whoami, 401, { error: 'no code' })).join('\n'), /required property 'errcode'/);

  // The 401 of a user-interactive-auth endpoint is the UIA flows object, not an error.
  const uia = { flows: [{ stages: ['m.login.password'] }], params: {}, session: 'xyz' };
  assert.equal(validateResponse('client-server', 'POST', '/_matrix/client/v3/delete_devices', 401, uia).ok, true);
  assert.equal(validateResponse('client-server', 'POST', '/_matrix/client/v3/delete_devices', 401, { session: 'xyz' }).ok, false);

  // Login does not document 401; the body must still be a standard error.
  const login = '/_matrix/client/v3/login';
  const fallback = validateResponse('client-server', 'POST', login, 401, { errcode: 'M_UNKNOWN_TOKEN', soft_logout: true });
  assert.equal(fallback.ok, true);
  const badFallback = validateResponse('client-server', 'POST', login, 401, { errcode: 401 });
  assert.match(errorsOf(badFallback).join('\n'), /standard error response: \/errcode must be string/);
});

void test('path templates match percent-encoded user, room and event ids', () => {
  const cases: [SpecApi, string, string, string][] = [
    ['client-server', 'GET', '/_matrix/client/v3/rooms/%21room%3Aexample.org/event/%24abc%3Aexample.org', 'GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}'],
    ['client-server', 'GET', '/_matrix/client/v3/rooms/!room:example.org/event/$abc', 'GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}'],
    ['client-server', 'PUT', '/_matrix/client/v3/profile/@alice:example.org/displayname', 'PUT /_matrix/client/v3/profile/{userId}/{keyName}'],
    ['client-server', 'PUT', '/_matrix/client/v3/rooms/%21r%3Ax/send/m.room.message/txn1?user_id=%40bot%3Ax', 'PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}'],
    // An empty state key is sent as a trailing slash.
    ['client-server', 'GET', '/_matrix/client/v3/rooms/%21r%3Ax/state/m.room.name/', 'GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}'],
    // Literal segments beat parameters.
    ['client-server', 'GET', '/_matrix/client/v3/pushrules/global/', 'GET /_matrix/client/v3/pushrules/global/'],
    ['client-server', 'GET', '/_matrix/client/v3/pushrules/', 'GET /_matrix/client/v3/pushrules/'],
    ['client-server', 'GET', '/_matrix/client/v1/rooms/%21r%3Ax/hierarchy?limit=5', 'GET /_matrix/client/v1/rooms/{roomId}/hierarchy'],
    ['client-server', 'GET', '/_matrix/client/v1/media/download/example.org/abc', 'GET /_matrix/client/v1/media/download/{serverName}/{mediaId}'],
    ['client-server', 'GET', '/.well-known/matrix/client', 'GET /.well-known/matrix/client'],
    ['client-server', 'GET', '/_matrix/client/v3/events', 'GET /_matrix/client/v3/events'],
    ['server-server', 'GET', '/_matrix/federation/v1/event/%24abc', 'GET /_matrix/federation/v1/event/{eventId}'],
    ['server-server', 'GET', '/_matrix/key/v2/server', 'GET /_matrix/key/v2/server'],
    ['application-service', 'PUT', '/_matrix/app/v1/transactions/42', 'PUT /_matrix/app/v1/transactions/{txnId}'],
  ];
  for (const [api, method, path, key] of cases) {
    assert.equal(matchOperation(api, method, path)?.key, key, `${method} ${path}`);
  }
  // A parameter segment may not be empty in the middle of a path.
  assert.equal(matchOperation('client-server', 'GET', '/_matrix/client/v3/rooms//joined_members'), null);
});

void test('unknown operations are rejected, never validated as nothing', () => {
  const unknown = validateResponse('client-server', 'GET', '/_matrix/client/v3/no/such/endpoint', 200, {});
  assert.deepEqual(unknown, { ok: false, errors: ['no client-server operation matches GET /_matrix/client/v3/no/such/endpoint'] });
  // Right path, wrong method; right path, wrong API.
  assert.equal(validateResponse('client-server', 'DELETE', '/_matrix/client/versions', 200, {}).ok, false);
  assert.equal(validateResponse('server-server', 'GET', '/_matrix/client/versions', 200, { versions: [] }).ok, false);
  assert.throws(
    () => assertValidResponse('client-server', 'GET', '/_matrix/client/v3/nope', 200, {}),
    (e: Error) => e.name === 'AssertionError' && /no client-server operation matches/.test(e.message),
  );
});

void test('status fallback: undocumented 2xx fails, undocumented errors use the standard shape', () => {
  const undocumented = validateResponse('client-server', 'GET', '/_matrix/client/versions', 201, { versions: [] });
  assert.equal(undocumented.ok, false);
  assert.match(errorsOf(undocumented)[0] ?? '', /status 201 is not documented for GET \/_matrix\/client\/versions \(documented: 200\)/);
  assert.equal(validateResponse('client-server', 'GET', '/_matrix/client/versions', 429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 10 }).ok, true);
  assert.equal(validateResponse('client-server', 'GET', '/_matrix/client/versions', 500, 'Internal Server Error').ok, false);
  // Documented without a body: a 4xx still has to be a standard error; a redirect has nothing to check.
  const state = '/_matrix/client/v3/rooms/%21r%3Ax/state/m.room.name/';
  assert.equal(validateResponse('client-server', 'GET', state, 403, { errcode: 'M_FORBIDDEN' }).ok, true);
  assert.equal(validateResponse('client-server', 'GET', state, 403, {}).ok, false);
  assert.equal(validateResponse('client-server', 'GET', '/_matrix/client/v3/login/sso/redirect', 302, undefined).ok, true);
});

void test('status fallback: exact code, then a range, then default', () => {
  const schema = (required: string): object => ({ content: { 'application/json': { schema: { type: 'object', required: [required] } } } });
  const op: SpecOperation = {
    api: 'client-server',
    key: 'GET /x',
    operationId: 'x',
    method: 'GET',
    template: '/x',
    segments: ['', 'x'],
    responses: { '404': schema('exact'), '4XX': schema('range'), default: schema('fallback') },
  };
  const requiredOf = (status: number): unknown => {
    const e = expectedResponse(op, status);
    return e.kind === 'json' ? (e.schema as { required: string[] }).required[0] : e.kind;
  };
  assert.equal(requiredOf(404), 'exact');
  assert.equal(requiredOf(418), 'range');
  assert.equal(requiredOf(200), 'fallback');
  assert.equal(requiredOf(503), 'fallback');
});

void test('every documented JSON response schema of the three APIs compiles', () => {
  let schemas = 0;
  for (const api of ['client-server', 'server-server', 'application-service'] as const) {
    for (const op of listOperations(api)) {
      for (const status of Object.keys(op.responses)) {
        const expected = expectedResponse(op, Number(status));
        if (expected.kind !== 'json') continue;
        // Validating compiles the schema; the verdict on `null` does not matter here.
        validateResponse(api, op.method, op.template, Number(status), null);
        schemas++;
      }
    }
  }
  assert.ok(schemas > 400, `only ${schemas} schemas found`);
});

void test('Matrix formats follow the identifier grammar', () => {
  assert.ok(isUserId('@alice:example.org') && isUserId('@a=b/c:[::1]:8448') && isUserId('@Historical!:example.org'));
  assert.ok(!isUserId('@alice') && !isUserId('alice:example.org') && !isUserId('@:example.org') && !isUserId('@a:exa mple.org'));
  assert.ok(!isUserId(`@${'a'.repeat(250)}:example.org`));
  assert.ok(isRoomId('!opaque:example.org') && isRoomId(`!${'A'.repeat(42)}_`) && !isRoomId('!short') && !isRoomId('#a:b'));
  assert.ok(isEventId('$abc:example.org') && isEventId(`$${'a'.repeat(42)}+`) && !isEventId('$abc') && !isEventId('abc:example.org'));
  assert.ok(isRoomAlias('#room:example.org') && !isRoomAlias('#:example.org') && !isRoomAlias('#room'));
  assert.ok(isServerName('example.org:8448') && isServerName('1.2.3.4') && isServerName('[1234:5678::abcd]:80'));
  assert.ok(!isServerName('example.org:99999') && !isServerName('exa_mple.org') && !isServerName(''));
  assert.ok(isMxcUri('mxc://example.org/abc_DEF-1') && !isMxcUri('mxc://example.org/a/b') && !isMxcUri('mxc://example.org/'));
});

const jsonResponse = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

void test('specFetch validates every response, logs operations, and throws on off-spec bodies', async () => {
  const replies = new Map<string, Response>([
    ['/_matrix/client/versions', jsonResponse(200, { versions: ['v1.19'] })],
    ['/_matrix/client/v3/account/whoami', jsonResponse(200, { user_id: 'not-a-user' })],
    ['/_matrix/client/v3/unstable/thing', jsonResponse(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' })],
    ['/_matrix/client/v3/other', jsonResponse(200, {})],
    ['/_matrix/client/v3/capabilities', new Response('{"capabilities":{}}', { status: 200, headers: { 'content-type': 'text/plain' } })],
  ]);
  const fake = (async (input: string | URL | Request) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return replies.get(url.pathname)?.clone() ?? jsonResponse(200, { elsewhere: true });
  }) as typeof fetch;
  const log = new SpecLog();
  const f = specFetch('http://hs.test', 'client-server', { fetch: fake, log });
  assert.equal(f.log, log);

  const res = await f('http://hs.test/_matrix/client/versions');
  assert.deepEqual(await res.json(), { versions: ['v1.19'] }, 'the caller still reads the body');
  await assert.rejects(f(new Request('http://hs.test/_matrix/client/v3/account/whoami')), /\/user_id must match format "mx-user-id"/);
  // An unknown path's error reply is still checked against the standard error shape, and allowed.
  assert.equal((await f('http://hs.test/_matrix/client/v3/unstable/thing', { method: 'POST' })).status, 404);
  await assert.rejects(f('http://hs.test/_matrix/client/v3/other'), /no client-server operation matches GET \/_matrix\/client\/v3\/other/);
  await assert.rejects(f('http://hs.test/_matrix/client/v3/capabilities'), /expected application\/json, got "text\/plain"/);
  // Other origins pass through unchecked and unlogged.
  assert.deepEqual(await (await f('https://elsewhere.test/anything')).json(), { elsewhere: true });

  assert.deepEqual(log.calls.map((c) => [c.method, c.operation, c.status]), [
    ['GET', 'GET /_matrix/client/versions', 200],
    ['GET', 'GET /_matrix/client/v3/account/whoami', 200],
    ['POST', null, 404],
    ['GET', null, 200],
    ['GET', 'GET /_matrix/client/v3/capabilities', 200],
  ]);
  assert.equal(log.failures.length, 3);
  assert.throws(() => log.assertClean(), /3 response\(s\) do not match the spec/);

  const allowing = specFetch('http://hs.test', 'client-server', { fetch: fake, allowUnmatched: (_m, p) => p.includes('/other') });
  assert.equal((await allowing('http://hs.test/_matrix/client/v3/other')).status, 200);
  allowing.log.assertClean();
});

void test('coverage: operations exercised versus route templates the server implements', async () => {
  const fake = (async () => jsonResponse(200, { versions: ['v1.19'] })) as typeof fetch;
  const f = specFetch('http://hs.test/base/', 'client-server', { fetch: fake });
  await f('http://hs.test/base/_matrix/client/versions');

  const versions = operationForTemplate('client-server', 'get', '/_matrix/client/versions');
  const profile = operationForTemplate('client-server', 'GET', '/_matrix/client/v3/profile/:userId');
  assert.equal(profile?.key, 'GET /_matrix/client/v3/profile/{userId}');
  assert.equal(operationForTemplate('client-server', 'GET', '/_matrix/client/v3/nope/:x'), null);
  assert.ok(versions && profile);

  assert.deepEqual([...f.log.exercised()], ['GET /_matrix/client/versions']);
  assert.deepEqual(f.log.missing([versions.key, profile.key]), [profile.key]);
  assert.throws(() => f.log.assertExercised([versions.key, profile.key]), /never exercised:\n {2}GET \/_matrix\/client\/v3\/profile\/\{userId\}/);
  f.log.assertExercised([versions.key], { successOnly: true });
});

void test('specFetch plugs into matrix-js-sdk as fetchFn and checks what the SDK receives', async () => {
  const fake = (async (input: string | URL | Request) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    if (path === '/_matrix/client/versions') return jsonResponse(200, { versions: ['v1.19'] });
    return jsonResponse(200, { displayname: 5 });
  }) as typeof fetch;
  const fetchFn = specFetch('http://hs.test', 'client-server', { fetch: fake });
  const client = createClient({ baseUrl: 'http://hs.test', fetchFn });
  assert.deepEqual((await client.getVersions()).versions, ['v1.19']);
  // The SDK wraps a rejected fetch in its own error; the log keeps the detail.
  await assert.rejects(client.getProfileInfo('@alice:example.org'), /\/displayname must be string/);
  assert.deepEqual([...fetchFn.log.exercised()], ['GET /_matrix/client/versions', 'GET /_matrix/client/v3/profile/{userId}']);
  assert.deepEqual(fetchFn.log.failures.map((f) => f.path), ['/_matrix/client/v3/profile/%40alice%3Aexample.org']);
});
