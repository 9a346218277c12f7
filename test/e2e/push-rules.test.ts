// Push rules over HTTP (client-server-api "Push Rules: API"), every response validated against
// the spec by specFetch: the whole ruleset, rule CRUD with placement, refusals with their
// errcodes, per-user isolation, matrix-js-sdk's startClient() getting the real ruleset and its
// updates through /sync, unread counts in /sync following the user's rules, and a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatrixClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { registerAccount, type Account } from '../support/rooms-clients.ts';
import { specFetch, SpecLog } from '../support/openapi.ts';
import { eventually, startSyncing, syncingClient } from '../support/sync-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SPEC_OVERRIDE = ['.m.rule.master', '.m.rule.suppress_notices', '.m.rule.invite_for_me', '.m.rule.member_event', '.m.rule.is_user_mention', '.m.rule.is_room_mention', '.m.rule.tombstone', '.m.rule.reaction', '.m.rule.room.server_acl', '.m.rule.suppress_edits'];
const SPEC_UNDERRIDE = ['.m.rule.call', '.m.rule.encrypted_room_one_to_one', '.m.rule.room_one_to_one', '.m.rule.message', '.m.rule.encrypted'];
const OPERATIONS = [
  'GET /pushrules/', 'GET /pushrules/global/', 'GET /pushrules/global/{kind}/{ruleId}', 'PUT /pushrules/global/{kind}/{ruleId}',
  'DELETE /pushrules/global/{kind}/{ruleId}', 'GET /pushrules/global/{kind}/{ruleId}/enabled', 'PUT /pushrules/global/{kind}/{ruleId}/enabled',
  'GET /pushrules/global/{kind}/{ruleId}/actions', 'PUT /pushrules/global/{kind}/{ruleId}/actions',
].map((op) => op.replace(' /', ' /_matrix/client/v3/'));

describe('push rules', () => {
  const log = new SpecLog();
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let bob: Account;
  let carol: Account;
  let client: MatrixClient | undefined;

  before(async () => {
    te = await testEnv();
    hub = await startTestHub(te);
    alice = await registerAccount(hub.url, 'alice');
    bob = await registerAccount(hub.url, 'bob');
    carol = await registerAccount(hub.url, 'carol');
  });
  after(async () => {
    client?.stopClient();
    await hub?.stop();
    await te?.cleanup();
    log.assertClean();
  });

  const call = async (who: Account, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await specFetch(hub.url, 'client-server', { log })(`${hub.url}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${who.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const ok = async (who: Account, method: string, path: string, body?: unknown): Promise<Json> => {
    const r = await call(who, method, path, body);
    assert.equal(r.status, 200, `${method} ${path}: ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const fails = async (who: Account, method: string, path: string, body: unknown, status: number, errcode: string) => {
    const r = await call(who, method, path, body);
    assert.deepEqual([r.status, r.json.errcode], [status, errcode], `${method} ${path}: ${JSON.stringify(r.json)}`);
  };
  const rule = (kind: string, id: string, suffix = '') => `/pushrules/global/${kind}/${encodeURIComponent(id)}${suffix}`;
  const userIds = (list: Json[]) => list.filter((r) => !r.default).map((r) => r.rule_id);

  test('GET /pushrules/ is the whole ruleset: every predefined rule of the spec, default, in spec order', async () => {
    const all = await ok(alice, 'GET', '/pushrules/');
    assert.deepEqual(Object.keys(all.global).sort(), ['content', 'override', 'room', 'sender', 'underride']);
    const only = (list: Json[], ids: string[]) => list.map((r) => r.rule_id).filter((id: string) => ids.includes(id));
    assert.deepEqual(only(all.global.override, SPEC_OVERRIDE), SPEC_OVERRIDE);
    assert.deepEqual(only(all.global.underride, SPEC_UNDERRIDE), SPEC_UNDERRIDE);
    for (const list of Object.values(all.global) as Json[][]) for (const r of list) assert.equal(r.default, true);
    assert.deepEqual(await ok(alice, 'GET', '/pushrules/global/'), all.global);
    const master = await ok(alice, 'GET', rule('override', '.m.rule.master'));
    assert.deepEqual(master, { rule_id: '.m.rule.master', default: true, enabled: false, conditions: [], actions: [] });
    assert.deepEqual(await ok(alice, 'GET', rule('underride', '.m.rule.message', '/enabled')), { enabled: true });
    assert.deepEqual(await ok(alice, 'GET', rule('underride', '.m.rule.message', '/actions')), { actions: ['notify'] });
  });

  test('user rules: create, place with before/after, update, enable, change actions, delete', async () => {
    const kw = (pattern: string) => ({ pattern, actions: ['notify', { set_tweak: 'highlight' }] });
    assert.deepEqual(await ok(alice, 'PUT', rule('content', 'tea'), kw('tea')), {});
    await ok(alice, 'PUT', rule('content', 'time'), kw('time'));
    await ok(alice, 'PUT', `${rule('content', 'coffee')}?after=time`, kw('coffee'));
    await ok(alice, 'PUT', `${rule('content', 'cake')}?before=tea`, kw('cake*lie'));
    assert.deepEqual(userIds((await ok(alice, 'GET', '/pushrules/')).global.content), ['time', 'coffee', 'cake', 'tea']);
    assert.deepEqual(await ok(alice, 'GET', rule('content', 'cake')), { rule_id: 'cake', default: false, enabled: true, pattern: 'cake*lie', actions: ['notify', { set_tweak: 'highlight' }] });
    await ok(alice, 'PUT', rule('content', 'cake'), { pattern: 'cake', actions: ['notify'] });
    assert.equal((await ok(alice, 'GET', rule('content', 'cake'))).pattern, 'cake');
    await ok(alice, 'PUT', rule('content', 'cake', '/enabled'), { enabled: false });
    assert.deepEqual(await ok(alice, 'GET', rule('content', 'cake', '/enabled')), { enabled: false });
    await ok(alice, 'PUT', rule('content', 'cake', '/actions'), { actions: ['notify', { set_tweak: 'sound', value: 'default' }] });
    assert.deepEqual(await ok(alice, 'GET', rule('content', 'cake', '/actions')), { actions: ['notify', { set_tweak: 'sound', value: 'default' }] });
    assert.deepEqual(await ok(alice, 'DELETE', rule('content', 'coffee')), {});
    await fails(alice, 'GET', rule('content', 'coffee'), undefined, 404, 'M_NOT_FOUND');
    const cond = { actions: ['notify'], conditions: [{ kind: 'event_match', key: 'content.msgtype', pattern: 'm.emote' }, { kind: 'room_member_count', is: '>=10' }] };
    await ok(alice, 'PUT', rule('override', 'emotes'), cond);
    assert.deepEqual((await ok(alice, 'GET', '/pushrules/')).global.override.slice(0, 2).map((r: Json) => r.rule_id), ['.m.rule.master', 'emotes']);
    // Predefined rules: enabled and actions can change.
    await ok(alice, 'PUT', rule('override', '.m.rule.master', '/enabled'), { enabled: true });
    await ok(alice, 'PUT', rule('override', '.m.rule.master', '/enabled'), { enabled: false });
    await ok(alice, 'PUT', rule('override', '.m.rule.tombstone', '/actions'), { actions: ['notify'] });
    assert.deepEqual((await ok(alice, 'GET', rule('override', '.m.rule.tombstone'))).actions, ['notify']);
  });

  test('refusals carry the right errcode and status', async () => {
    await fails(alice, 'GET', '/pushrules/global/bogus/x', undefined, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', '/pushrules/global/bogus/x', { actions: [] }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', rule('override', '.m.rule.master'), { actions: [] }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', rule('override', '.mine'), { actions: [] }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', rule('override', 'a\\b'), { actions: [] }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', rule('room', 'not-a-room'), { actions: [] }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'DELETE', rule('override', '.m.rule.suppress_notices'), undefined, 404, 'M_NOT_FOUND');
    await fails(alice, 'DELETE', rule('content', 'never'), undefined, 404, 'M_NOT_FOUND');
    await fails(alice, 'PUT', `${rule('content', 'x')}?before=nope`, { pattern: 'x', actions: [] }, 400, 'M_UNKNOWN');
    await fails(alice, 'PUT', `${rule('underride', 'x')}?after=.m.rule.message`, { actions: [] }, 400, 'M_UNKNOWN');
    await fails(alice, 'PUT', rule('override', 'x'), { actions: 'notify' }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', rule('override', 'x'), { actions: ['explode'] }, 400, 'M_INVALID_PARAM');
    await fails(alice, 'PUT', rule('override', 'x'), { actions: [], conditions: [{ kind: 'event_match' }] }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', rule('content', 'x'), { actions: [] }, 400, 'M_MISSING_PARAM');
    await fails(alice, 'PUT', rule('content', 'tea', '/enabled'), { enabled: 'yes' }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', rule('content', 'tea', '/actions'), { actions: [42] }, 400, 'M_BAD_JSON');
    await fails(alice, 'PUT', rule('content', 'missing', '/enabled'), { enabled: true }, 404, 'M_NOT_FOUND');
    await fails(alice, 'GET', rule('content', 'missing', '/actions'), undefined, 404, 'M_NOT_FOUND');
    // m.push_rules stays server-managed for the account data API.
    await fails(alice, 'PUT', `/user/${encodeURIComponent(alice.userId)}/account_data/m.push_rules`, {}, 405, 'M_BAD_JSON');
  });

  test('rules are per user: bob sees none of alice\'s and cannot change them', async () => {
    assert.deepEqual(userIds((await ok(bob, 'GET', '/pushrules/')).global.content), []);
    await fails(bob, 'GET', rule('content', 'tea'), undefined, 404, 'M_NOT_FOUND');
    await fails(bob, 'DELETE', rule('content', 'tea'), undefined, 404, 'M_NOT_FOUND');
    assert.equal((await ok(alice, 'GET', rule('content', 'tea'))).pattern, 'tea');
  });

  test('matrix-js-sdk startClient() gets the real ruleset, and changes arrive through /sync', async () => {
    client = syncingClient(hub.url, alice, log);
    await startSyncing(client);
    const rules = client.pushRules!;
    assert.ok(rules.global.underride!.some((r) => r.rule_id === '.m.rule.message' && r.default));
    assert.ok(rules.global.content!.some((r) => r.rule_id === 'tea' && !r.default));
    await ok(alice, 'PUT', rule('content', 'scones'), { pattern: 'scones', actions: ['notify'] });
    await eventually('the new rule in the client', () => client!.pushRules?.global.content?.some((r) => r.rule_id === 'scones'));
    client.stopClient();
  });

  test('unread counts in /sync follow the user\'s rules: keyword, disabled .m.rule.message, muted room', async () => {
    const { room_id: roomId } = await ok(alice, 'POST', '/createRoom', { preset: 'public_chat' });
    await ok(bob, 'POST', `/join/${encodeURIComponent(roomId)}`, {});
    await ok(carol, 'POST', `/join/${encodeURIComponent(roomId)}`, {});
    let txn = 0;
    const send = (body: string) => ok(alice, 'PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${++txn}`, { msgtype: 'm.text', body });
    await send('hello');
    await send('I like cake');
    const counts = async (since?: string) => {
      const s = await ok(bob, 'GET', `/sync?timeout=0${since ? `&since=${since}` : ''}`);
      const c = s.rooms.join[roomId]?.unread_notifications;
      return { counts: c ? [c.notification_count, c.highlight_count] : undefined, next: s.next_batch as string, sync: s };
    };
    assert.deepEqual((await counts()).counts, [2, 0], 'server defaults: two messages notify');
    await ok(bob, 'PUT', rule('content', 'cake'), { pattern: 'cake', actions: ['notify', { set_tweak: 'highlight' }] });
    assert.deepEqual((await counts()).counts, [2, 1], 'a keyword rule highlights');
    await ok(bob, 'PUT', rule('underride', '.m.rule.message', '/enabled'), { enabled: false });
    assert.deepEqual((await counts()).counts, [1, 1], 'without .m.rule.message only the keyword notifies');
    await ok(bob, 'PUT', rule('underride', '.m.rule.message', '/enabled'), { enabled: true });
    await ok(bob, 'DELETE', rule('content', 'cake'), undefined);
    const before = await counts();
    assert.deepEqual(before.counts, [2, 0]);
    await ok(bob, 'PUT', rule('room', roomId), { actions: [] });
    await send('one more');
    const after = await counts(before.next);
    assert.deepEqual(after.counts, [0, 0], 'a muted room counts nothing, incrementally too');
    // /sync delivers the ruleset as m.push_rules global account data, as Synapse does.
    const initial = (await counts()).sync;
    const pushRules = initial.account_data.events.find((e: Json) => e.type === 'm.push_rules');
    assert.deepEqual(userIds(pushRules.content.global.room), [roomId]);
  });

  test('rules survive a restart', async () => {
    await hub.stop();
    hub = await startTestHub(te);
    const all = (await ok(alice, 'GET', '/pushrules/')).global;
    assert.deepEqual(userIds(all.content), ['scones', 'time', 'cake', 'tea']);
    assert.deepEqual((await ok(alice, 'GET', rule('content', 'cake'))).enabled, false);
    assert.deepEqual((await ok(alice, 'GET', rule('override', '.m.rule.tombstone', '/actions'))).actions, ['notify']);
    assert.equal((await ok(bob, 'GET', '/pushrules/')).global.room.length, 1);
    log.assertExercised(OPERATIONS, { successOnly: true });
  });
});
