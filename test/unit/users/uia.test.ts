import { test } from 'node:test';
import assert from 'node:assert/strict';
import { challengeBody, flowsComplete, paramsHash, stageAllowed } from '../../../core/users/uia.ts';

const FLOWS = [
  ['a', 'b'],
  ['a', 'c'],
];

void test('a stage is allowed when some flow holds it and everything completed so far', () => {
  assert.equal(stageAllowed(FLOWS, [], 'a'), true);
  assert.equal(stageAllowed(FLOWS, [], 'b'), true);
  assert.equal(stageAllowed(FLOWS, ['a'], 'c'), true);
  assert.equal(stageAllowed(FLOWS, ['b'], 'c'), false);
  assert.equal(stageAllowed(FLOWS, [], 'z'), false);
});

void test('a completed stage is not attempted again', () => {
  assert.equal(stageAllowed(FLOWS, ['a'], 'a'), false);
});

void test('authentication completes when one whole flow is completed', () => {
  assert.equal(flowsComplete(FLOWS, []), false);
  assert.equal(flowsComplete(FLOWS, ['a']), false);
  assert.equal(flowsComplete(FLOWS, ['a', 'c']), true);
  assert.equal(flowsComplete(FLOWS, ['b', 'a']), true);
});

void test('the challenge body has the spec shape, with errcode only after a failed stage', () => {
  assert.deepEqual(challengeBody([['m.login.password']], 's1', []), {
    flows: [{ stages: ['m.login.password'] }],
    params: {},
    session: 's1',
  });
  assert.deepEqual(challengeBody(FLOWS, 's2', ['a'], { errcode: 'M_FORBIDDEN', error: 'Invalid password' }), {
    errcode: 'M_FORBIDDEN',
    error: 'Invalid password',
    flows: [{ stages: ['a', 'b'] }, { stages: ['a', 'c'] }],
    params: {},
    session: 's2',
    completed: ['a'],
  });
});

void test('request parameters hash deterministically and differ for different requests', () => {
  assert.equal(paramsHash(['A', 'B']), paramsHash(['A', 'B']));
  assert.notEqual(paramsHash(['A']), paramsHash(['B']));
  assert.notEqual(paramsHash({ erase: true }), paramsHash({ erase: false }));
});
