import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_MODE_POWER, modeChangesForPowerLevel, parsePrefixSupport, powerLevelForModes } from '../../../../../bridges/irc/convert/power-levels.ts';

test('powerLevelForModes: highest mapped mode wins', () => {
  const cases: [string[], number][] = [[[], 0], [['v'], 1], [['o', 'v'], 50], [['q'], 100], [['x'], 0], [['h'], 25]];
  for (const [modes, level] of cases) assert.equal(powerLevelForModes(modes), level, modes.join(''));
  assert.equal(powerLevelForModes(['v'], { o: 100, v: 20 }), 20);
});

test('modeChangesForPowerLevel: op, deop, voice', () => {
  const avail = ['o', 'v'];
  assert.deepEqual(modeChangesForPowerLevel([], 50, avail), { add: ['o'], remove: [] });
  assert.deepEqual(modeChangesForPowerLevel(['o'], 0, avail), { add: [], remove: ['o'] });
  assert.deepEqual(modeChangesForPowerLevel(['o'], 10, avail), { add: ['v'], remove: ['o'] });
  assert.deepEqual(modeChangesForPowerLevel(['o', 'v'], 100, avail), { add: [], remove: [] });
  assert.deepEqual(modeChangesForPowerLevel(['v'], 0, avail), { add: [], remove: ['v'] });
  // A server without halfops: 30 gives voice, not a mode it does not have.
  assert.deepEqual(modeChangesForPowerLevel([], 30, avail), { add: ['v'], remove: [] });
});

test('property: applying the changes gives modes whose level is the highest reachable ≤ target', () => {
  const modes = Object.keys(DEFAULT_MODE_POWER);
  fc.assert(fc.property(fc.subarray(modes), fc.integer({ min: 0, max: 100 }), (held, level) => {
    const { add, remove } = modeChangesForPowerLevel(held, level, modes);
    const after = [...held.filter((m) => !remove.includes(m)), ...add];
    const reachable = Math.max(0, ...modes.map((m) => DEFAULT_MODE_POWER[m]!).filter((l) => l <= level));
    assert.equal(powerLevelForModes(after), reachable);
  }));
});

test('parsePrefixSupport', () => {
  assert.deepEqual(parsePrefixSupport('(qaohv)~&@%+').map((p) => p.mode + p.symbol), ['q~', 'a&', 'o@', 'h%', 'v+']);
  assert.deepEqual(parsePrefixSupport('garbage').map((p) => p.mode), ['o', 'v']);
});
