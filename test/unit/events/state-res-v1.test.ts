// State resolution v1 (room version 1), built on the same DAG scenarios as v2; v1's known
// weaknesses are part of what is checked (a concurrent join survives closing the room).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { roomVersion } from '../../../core/events/room-versions.ts';
import { A, B, E, endStateDiff, levels, memberNode, node } from '../../support/state-graph.ts';

const v1 = roomVersion('1')!;

void test('v1: power levels conflict — the first by (depth, descending sha1) is taken unchecked, later ones only while allowed', async () => {
  // Bob's PB makes himself 100: never allowed after Alice's PA; and once PB is in R, Alice (now
  // equal to Bob) may not demote him. So the winner is whichever sorts first — v1's known flaw.
  const nodes = [
    node('PA', A, 'm.room.power_levels', '', levels(v1, { [A]: 100, [B]: 50 })),
    node('PB', B, 'm.room.power_levels', '', levels(v1, { [A]: 100, [B]: 100 })),
  ];
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
  const first = sha1('$PA:example.com') > sha1('$PB:example.com') ? 'PA' : 'PB';
  const { actual, expected } = await endStateDiff(
    v1,
    nodes,
    [
      ['END', 'PA', 'START'],
      ['END', 'PB', 'START'],
    ],
    [first],
  );
  assert.deepEqual(actual, expected);
});

void test('v1: join concurrent with closing the room survives (the key is not conflicted)', async () => {
  const { actual, expected } = await endStateDiff(
    v1,
    [node('JR', A, 'm.room.join_rules', '', { join_rule: 'private' }), memberNode('ME', E, E, 'join')],
    [
      ['END', 'JR', 'START'],
      ['END', 'ME', 'START'],
    ],
    ['JR', 'ME'],
  );
  assert.deepEqual(new Map([...actual].sort()), new Map([...expected].sort()));
});

void test('v1: other conflicts pick the deepest event that passes auth', async () => {
  const { actual, expected } = await endStateDiff(
    v1,
    [
      node('T1', A, 'm.room.topic', '', { topic: '1' }),
      node('T2', A, 'm.room.topic', '', { topic: '2' }),
      node('T3', B, 'm.room.topic', '', { topic: 'bob cannot' }),
      node('M1', B, 'm.room.message', undefined),
      node('M2', B, 'm.room.message', undefined),
    ],
    [
      ['END', 'T2', 'T1', 'START'],
      ['END', 'T3', 'M2', 'M1', 'START'],
    ],
    ['T2'],
  );
  assert.deepEqual(actual, expected);
});
