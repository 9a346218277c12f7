// The classic state-resolution v2 scenarios (ban vs power levels, join-rule evasion, off-topic
// power levels, topic resets, mainline ordering, conflicted membership), run for a v2-family
// room (v2, v11) and for v12's revised algorithm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roomVersion, type RoomVersion } from '../../../core/events/room-versions.ts';
import { A, B, C, E, Z, endStateDiff, levels, memberNode, node, type Node } from '../../support/state-graph.ts';

const VERSIONS = ['2', '11', '12'].map((id) => roomVersion(id)!);

interface Scenario {
  readonly name: string;
  readonly nodes: (v: RoomVersion) => Node[];
  readonly edges: string[][];
  readonly expected: string[];
}

const scenarios: Scenario[] = [
  {
    name: 'ban vs power levels: the ban wins over the banned user’s power change',
    nodes: (v) => [
      node('PA', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      memberNode('MA', A, A, 'join'),
      memberNode('MB', A, B, 'ban'),
      node('PB', B, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
    ],
    edges: [
      ['END', 'MB', 'MA', 'PA', 'START'],
      ['END', 'PB', 'PA'],
    ],
    expected: ['PA', 'MA', 'MB'],
  },
  {
    name: 'join rules evasion: a join concurrent with closing the room is dropped',
    nodes: () => [node('JR', A, 'm.room.join_rules', '', { join_rule: 'private' }), memberNode('ME', E, E, 'join')],
    edges: [
      ['END', 'JR', 'START'],
      ['END', 'ME', 'START'],
    ],
    expected: ['JR'],
  },
  {
    name: 'off-topic power levels: a demotion chain resolves to the latest allowed change',
    nodes: (v) => [
      node('PA', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('PB', B, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50, [C]: 50 })),
      node('PC', C, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50, [C]: 0 })),
    ],
    edges: [
      ['END', 'PC', 'PB', 'PA', 'START'],
      ['END', 'PA'],
    ],
    expected: ['PC'],
  },
  {
    name: 'topic basic: a topic from a demoted user loses',
    nodes: (v) => [
      node('T1', A, 'm.room.topic', '', {}),
      node('PA1', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('T2', A, 'm.room.topic', '', {}),
      node('PA2', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 0 })),
      node('PB', B, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('T3', B, 'm.room.topic', '', {}),
    ],
    edges: [
      ['END', 'PA2', 'T2', 'PA1', 'T1', 'START'],
      ['END', 'T3', 'PB', 'PA1'],
    ],
    expected: ['PA2', 'T2'],
  },
  {
    name: 'topic reset: banning the topic setter restores the earlier topic',
    nodes: (v) => [
      node('T1', A, 'm.room.topic', '', {}),
      node('PA', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('T2', B, 'm.room.topic', '', {}),
      memberNode('MB', A, B, 'ban'),
    ],
    edges: [
      ['END', 'MB', 'T2', 'PA', 'T1', 'START'],
      ['END', 'T1'],
    ],
    expected: ['T1', 'MB', 'PA'],
  },
  {
    name: 'topic: the latest topic on the winning mainline',
    nodes: (v) => [
      node('T1', A, 'm.room.topic', '', {}),
      node('PA1', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('T2', A, 'm.room.topic', '', {}),
      node('PA2', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 0 })),
      node('PB', B, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('T3', B, 'm.room.topic', '', {}),
      node('MZ1', Z, 'm.room.message', undefined),
      node('T4', A, 'm.room.topic', '', {}),
    ],
    edges: [
      ['END', 'T4', 'MZ1', 'PA2', 'T2', 'PA1', 'T1', 'START'],
      ['END', 'MZ1', 'T3', 'PB', 'PA1'],
    ],
    expected: ['T4', 'PA2'],
  },
  {
    name: 'mainline sort: the topic based on the newer power levels wins over a later one',
    nodes: (v) => [
      node('T1', A, 'm.room.topic', '', {}),
      node('PA1', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('T2', A, 'm.room.topic', '', {}),
      node('PA2', A, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 }, { events: { 'm.room.power_levels': 100 } })),
      node('PB', B, 'm.room.power_levels', '', levels(v, { [A]: 100, [B]: 50 })),
      node('T3', B, 'm.room.topic', '', {}),
      node('T4', A, 'm.room.topic', '', {}),
    ],
    edges: [
      ['END', 'T3', 'PA2', 'T2', 'PA1', 'T1', 'START'],
      ['END', 'T4', 'PB', 'PA1'],
    ],
    expected: ['T3', 'PA2'],
  },
  {
    name: 'conflicted membership: a ban beats a concurrent membership update',
    nodes: () => [memberNode('BZ', A, Z, 'ban'), node('ZJ', Z, 'm.room.member', Z, { membership: 'join', displayname: 'z' })],
    edges: [
      ['END', 'BZ', 'START'],
      ['END', 'ZJ', 'START'],
    ],
    expected: ['BZ'],
  },
  {
    name: 'conflicted membership: concurrent joins of different users both stand',
    nodes: () => [memberNode('JE', E, E, 'join'), memberNode('JD', '@dan:example.com', '@dan:example.com', 'join')],
    edges: [
      ['END', 'JE', 'START'],
      ['END', 'JD', 'START'],
    ],
    expected: ['JE', 'JD'],
  },
];

for (const s of scenarios) {
  for (const v of VERSIONS) {
    void test(`state res (room v${v.id}): ${s.name}`, async () => {
      const { actual, expected } = await endStateDiff(v, s.nodes(v), s.edges, s.expected);
      assert.deepEqual(new Map([...actual].sort()), new Map([...expected].sort()));
    });
  }
}
