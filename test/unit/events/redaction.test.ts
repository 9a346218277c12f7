import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonObject } from '../../../core/events/pdu.ts';
import { redactEvent } from '../../../core/events/redaction.ts';
import { ROOM_VERSIONS, roomVersion } from '../../../core/events/room-versions.ts';
import type { RoomVersion } from '../../../core/events/room-versions.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

const v = (id: string): RoomVersion => roomVersion(id) as RoomVersion;
const base = {
  event_id: '$e:d', type: 'm.room.message', room_id: '!r:d', sender: '@u:d', state_key: 'k', hashes: { sha256: 'h' },
  signatures: { d: { 'ed25519:1': 's' } }, depth: 4, prev_events: ['$p'], auth_events: ['$a'], origin: 'd',
  origin_server_ts: 7, membership: 'join', prev_state: [], unsigned: { age: 1 }, redacts: '$x', extra: 1,
};
const withContent = (type: string, content: JsonObject): JsonObject => ({ ...base, type, content });

test('spec example: redacting the signing vector event keeps only essential keys', () => {
  const event = {
    content: { body: 'Here is the message content' }, event_id: '$0:domain', origin: 'domain', origin_server_ts: 1000000,
    type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain', signatures: {}, unsigned: { age_ts: 1000000 },
  };
  assert.deepEqual(redactEvent(event, v('1')), {
    content: {}, event_id: '$0:domain', origin: 'domain', origin_server_ts: 1000000, type: 'm.room.message',
    room_id: '!r:domain', sender: '@u:domain', signatures: {},
  });
});

test('top-level keys: v1–v10 keep origin/membership/prev_state; v11 drops them; unsigned, redacts and unknown keys always go', () => {
  for (const id of ['1', '6', '8', '9', '10']) {
    const r = redactEvent(withContent('m.room.message', { body: 'x' }), v(id));
    assert.deepEqual(Object.keys(r).sort(), [
      'auth_events', 'content', 'depth', 'event_id', 'hashes', 'membership', 'origin', 'origin_server_ts', 'prev_events',
      'prev_state', 'room_id', 'sender', 'signatures', 'state_key', 'type',
    ], id);
    assert.deepEqual(r.content, {});
  }
  const r11 = redactEvent(withContent('m.room.message', { body: 'x' }), v('11'));
  assert.deepEqual(Object.keys(r11).sort(), [
    'auth_events', 'content', 'depth', 'event_id', 'hashes', 'origin_server_ts', 'prev_events', 'room_id', 'sender', 'signatures',
    'state_key', 'type',
  ]);
});

test('content keys kept per event type and version', () => {
  const member = { membership: 'join', join_authorised_via_users_server: '@a:b', displayname: 'x', third_party_invite: { signed: { s: 1 }, display_name: 'y' } };
  assert.deepEqual(redactEvent(withContent('m.room.member', member), v('8')).content, { membership: 'join' });
  assert.deepEqual(redactEvent(withContent('m.room.member', member), v('9')).content, { membership: 'join', join_authorised_via_users_server: '@a:b' });
  assert.deepEqual(redactEvent(withContent('m.room.member', member), v('11')).content, {
    membership: 'join', join_authorised_via_users_server: '@a:b', third_party_invite: { signed: { s: 1 } },
  });

  const create = { creator: '@u:d', room_version: '1', 'm.federate': false };
  assert.deepEqual(redactEvent(withContent('m.room.create', create), v('10')).content, { creator: '@u:d' });
  assert.deepEqual(redactEvent(withContent('m.room.create', create), v('11')).content, create);

  const jr = { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!x:y' }], other: 1 };
  assert.deepEqual(redactEvent(withContent('m.room.join_rules', jr), v('7')).content, { join_rule: 'restricted' });
  assert.deepEqual(redactEvent(withContent('m.room.join_rules', jr), v('8')).content, { join_rule: 'restricted', allow: jr.allow });

  const pl = { ban: 50, events: {}, events_default: 0, invite: 0, kick: 50, redact: 50, state_default: 50, users: {}, users_default: 0, notifications: { room: 50 } };
  const { invite: _invite, notifications: _n, ...plV1 } = pl;
  assert.deepEqual(redactEvent(withContent('m.room.power_levels', pl), v('10')).content, plV1);
  assert.deepEqual(redactEvent(withContent('m.room.power_levels', pl), v('11')).content, { ...plV1, invite: 0 });

  const aliases = { aliases: ['#a:d'] };
  assert.deepEqual(redactEvent(withContent('m.room.aliases', aliases), v('5')).content, aliases);
  assert.deepEqual(redactEvent(withContent('m.room.aliases', aliases), v('6')).content, {});

  const hv = { history_visibility: 'shared', x: 1 };
  for (const id of ['1', '6', '9', '11']) assert.deepEqual(redactEvent(withContent('m.room.history_visibility', hv), v(id)).content, { history_visibility: 'shared' });

  const redaction = { redacts: '$t', reason: 'spam' };
  assert.deepEqual(redactEvent(withContent('m.room.redaction', redaction), v('10')).content, {});
  assert.deepEqual(redactEvent(withContent('m.room.redaction', redaction), v('11')).content, { redacts: '$t' });
});

test('malformed events: non-objects are typed errors; odd content is emptied', () => {
  for (const bad of [null, 1, 'x', [], undefined]) {
    assert.throws(() => redactEvent(bad, v('11')), (e) => e instanceof MatrixError && e.errcode === 'M_BAD_JSON');
  }
  assert.deepEqual(redactEvent({ type: 'm.room.member', content: 'nope' }, v('11')), { type: 'm.room.member', content: {} });
  assert.deepEqual(redactEvent({ type: 5 }, v('1')), { type: 5, content: {} });
  assert.deepEqual(redactEvent({ type: 'toString', content: { a: 1 } }, v('1')).content, {});
});

const anyEvent = fc.record(
  {
    type: fc.constantFrom('m.room.member', 'm.room.create', 'm.room.join_rules', 'm.room.power_levels', 'm.room.aliases', 'm.room.redaction', 'm.room.message'),
    content: fc.dictionary(
      fc.constantFrom('membership', 'creator', 'allow', 'ban', 'invite', 'redacts', 'third_party_invite', 'body', 'aliases'),
      fc.oneof(fc.string(), fc.integer(), fc.dictionary(fc.constantFrom('signed', 'x'), fc.string(), { noNullPrototype: true })),
      { noNullPrototype: true },
    ),
    origin: fc.string(),
    unsigned: fc.dictionary(fc.string(), fc.integer(), { noNullPrototype: true }),
    depth: fc.integer(),
  },
  { requiredKeys: ['type'] },
);

test('property: redaction is idempotent and never adds keys, for every room version', () => {
  const versions = [...ROOM_VERSIONS.values()];
  fc.assert(
    fc.property(anyEvent, fc.constantFrom(...versions), (event, version) => {
      const once = redactEvent(event, version);
      assert.deepEqual(redactEvent(once, version), once);
      for (const k of Object.keys(once)) assert.ok(k === 'content' || Object.hasOwn(event, k));
      assert.equal(Object.hasOwn(once, 'unsigned'), false);
    }),
    { numRuns: 500 },
  );
});
