import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  notificationLevel,
  parseLevel,
  readPowerLevels,
  requiredLevel,
  roomCreators,
  userLevel,
} from '../../../core/events/power-levels.ts';
import { roomVersion } from '../../../core/events/room-versions.ts';
import { ALICE, BOB, CAROL, fakeEvent } from '../../support/events.ts';

const v1 = roomVersion('1')!;
const v9 = roomVersion('9')!;
const v10 = roomVersion('10')!;
const v11 = roomVersion('11')!;
const v12 = roomVersion('12')!;

void test('stringy levels (v1–v9): whitespace, sign and leading zeroes; rejected from v10', () => {
  for (const [raw, want] of [
    ['100', 100],
    ['000100', 100],
    [' +100 ', 100],
    [' -100 ', -100],
  ] as const) {
    assert.equal(parseLevel(raw, v9), want);
    assert.equal(parseLevel(raw, v10), null);
  }
  for (const bad of ['1.5', '1e3', '', '--1', 'abc', '+ 1']) assert.equal(parseLevel(bad, v1), null, bad);
});

void test('floaty levels (v1–v9): truncated; non-finite rejected; v10 integers only', () => {
  assert.equal(parseLevel(51146.98, v1), 51146);
  assert.equal(parseLevel(-3.7, v1), -3);
  assert.equal(parseLevel(Number.POSITIVE_INFINITY, v1), null);
  assert.equal(parseLevel(Number.NaN, v1), null);
  assert.equal(parseLevel(50.5, v10), null);
  assert.equal(parseLevel(50, v10), 50);
  assert.equal(parseLevel(true, v1), null);
  assert.equal(parseLevel(null, v1), null);
});

void test('defaults with and without a power levels event', () => {
  const create11 = fakeEvent({ type: 'm.room.create', sender: ALICE, state_key: '', content: {} });
  const none = readPowerLevels(undefined, v11);
  assert.equal(userLevel(none, ALICE, create11, v11), 100);
  assert.equal(userLevel(none, BOB, create11, v11), 0);
  assert.equal(requiredLevel(none, 'm.room.topic', true), 50);
  assert.equal(requiredLevel(none, 'm.room.message', false), 0);
  assert.deepEqual(none.scalars, { users_default: 0, events_default: 0, state_default: 50, ban: 50, redact: 50, kick: 50, invite: 0 });
  assert.equal(notificationLevel(none, 'room'), 50);
  const pl = readPowerLevels(
    fakeEvent({ type: 'm.room.power_levels', sender: ALICE, state_key: '', content: { users: { [BOB]: 20 }, users_default: 5, events: { 'm.room.topic': 10 }, notifications: { room: 7 } } }),
    v11,
  );
  assert.equal(userLevel(pl, ALICE, create11, v11), 5, 'with a power levels event the creator has no implicit 100');
  assert.equal(userLevel(pl, BOB, create11, v11), 20);
  assert.equal(requiredLevel(pl, 'm.room.topic', true), 10);
  assert.equal(notificationLevel(pl, 'room'), 7);
});

void test('lenient reading: bad values fall back to defaults instead of failing', () => {
  const pl = readPowerLevels(fakeEvent({ type: 'm.room.power_levels', sender: ALICE, state_key: '', content: { ban: 'x', users: { [BOB]: '30' }, events: 7 } }), v9);
  assert.equal(pl.scalars.ban, 50);
  assert.equal(pl.users.get(BOB), 30);
  assert.equal(pl.events.size, 0);
  const strict = readPowerLevels(fakeEvent({ type: 'm.room.power_levels', sender: ALICE, state_key: '', content: { users: { [BOB]: '30' } } }), v10);
  assert.equal(strict.users.get(BOB), undefined);
});

void test('creators: content.creator (v1–v10), sender (v11), sender + additional_creators with infinite power (v12)', () => {
  const c = (content: Record<string, unknown>) => fakeEvent({ type: 'm.room.create', sender: ALICE, state_key: '', content: content as never });
  assert.deepEqual([...roomCreators(c({ creator: BOB }), v9)], [BOB]);
  assert.deepEqual([...roomCreators(c({ creator: BOB }), v11)], [ALICE]);
  assert.deepEqual([...roomCreators(c({ additional_creators: [BOB, 'junk', 3] }), v12)].sort(), [ALICE, BOB].sort());
  const create = c({ additional_creators: [BOB] });
  const pl = readPowerLevels(fakeEvent({ type: 'm.room.power_levels', sender: ALICE, state_key: '', content: { users: { [CAROL]: 100 } } }), v12);
  assert.equal(userLevel(pl, BOB, create, v12), Number.POSITIVE_INFINITY);
  assert.equal(userLevel(readPowerLevels(undefined, v12), ALICE, create, v12), Number.POSITIVE_INFINITY);
  assert.equal(userLevel(pl, CAROL, create, v12), 100);
});
