import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  effectiveLimit,
  eventMatches,
  filterEvents,
  includeLeave,
  memberLoading,
  projectEventFields,
  roomEventMatches,
  roomIncluded,
  typeMatches,
  unreadThreadNotifications,
} from '../../../core/filters/apply.ts';

const msg = (type: string, sender: string, content: Record<string, unknown> = {}, room_id = '!r:x') => ({ type, sender, content, room_id });

test('type patterns: exact, * anywhere, regex characters are literal', () => {
  assert.ok(typeMatches('m.room.message', 'm.room.message'));
  assert.ok(!typeMatches('m.room.message', 'm.room.messages'));
  assert.ok(typeMatches('m.*', 'm.room.member'));
  assert.ok(typeMatches('*', 'anything'));
  assert.ok(typeMatches('m.*.member', 'm.room.member'));
  assert.ok(!typeMatches('m.*', 'mx.room'), 'the dot is literal');
  assert.ok(typeMatches('a+b*', 'a+b.c'));
  assert.ok(!typeMatches('a+b*', 'aab'));
});

test('event filters: not_* wins, absent lists include all, empty lists include nothing', () => {
  const e = msg('m.room.message', '@a:x');
  assert.ok(eventMatches(undefined, e));
  assert.ok(eventMatches({}, e));
  assert.ok(eventMatches({ types: ['m.room.*'] }, e));
  assert.ok(!eventMatches({ types: ['m.room.*'], not_types: ['m.room.message'] }, e));
  assert.ok(!eventMatches({ types: [] }, e));
  assert.ok(eventMatches({ senders: ['@a:x'] }, e));
  assert.ok(!eventMatches({ senders: ['@a:x'], not_senders: ['@a:x'] }, e));
  assert.ok(!eventMatches({ senders: ['@b:x'] }, e));
  assert.ok(!eventMatches({ not_types: ['*'] }, e));
  // Account data has no sender: a senders list cannot match it.
  assert.ok(!eventMatches({ senders: ['@a:x'] }, { type: 'm.tag' }));
  assert.ok(eventMatches({ not_senders: ['@a:x'] }, { type: 'm.tag' }));
});

test('room event filters: rooms, not_rooms, contains_url', () => {
  const withUrl = msg('m.room.message', '@a:x', { url: 'mxc://x/y' });
  const without = msg('m.room.message', '@a:x', { body: 'hi' });
  assert.ok(roomEventMatches({ contains_url: true }, withUrl));
  assert.ok(!roomEventMatches({ contains_url: true }, without));
  assert.ok(roomEventMatches({ contains_url: false }, without));
  assert.ok(!roomEventMatches({ contains_url: false }, withUrl));
  assert.ok(!roomEventMatches({ contains_url: true }, msg('m.room.message', '@a:x', { url: 42 })), 'url must be a string');
  assert.ok(!roomEventMatches({ rooms: ['!other:x'] }, without));
  assert.ok(!roomEventMatches({ not_rooms: ['!r:x'] }, without));
  assert.ok(roomEventMatches({ rooms: ['!r:x'] }, { type: 'm.typing' }, '!r:x'));
  const events = [withUrl, without, msg('m.reaction', '@b:x')];
  assert.deepEqual(filterEvents({ types: ['m.room.message'], contains_url: false }, events), [without]);
  assert.deepEqual(filterEvents(undefined, events), events);
});

test('room filter helpers', () => {
  assert.ok(roomIncluded({}, '!a:x'));
  assert.ok(!roomIncluded({ room: { not_rooms: ['!a:x'], rooms: ['!a:x'] } }, '!a:x'));
  assert.ok(!roomIncluded({ room: { rooms: ['!b:x'] } }, '!a:x'));
  assert.equal(includeLeave({}), false);
  assert.equal(includeLeave({ room: { include_leave: true } }), true);
  assert.deepEqual(memberLoading(undefined), { lazyLoadMembers: false, includeRedundantMembers: false });
  assert.deepEqual(memberLoading({ state: { include_redundant_members: true } }), { lazyLoadMembers: false, includeRedundantMembers: false });
  assert.deepEqual(memberLoading({ state: { lazy_load_members: true } }), { lazyLoadMembers: true, includeRedundantMembers: false });
  assert.deepEqual(memberLoading({ timeline: { lazy_load_members: true, include_redundant_members: true } }), {
    lazyLoadMembers: true,
    includeRedundantMembers: true,
  });
  assert.equal(unreadThreadNotifications({ timeline: { unread_thread_notifications: true } }), true);
  assert.equal(unreadThreadNotifications({ state: { unread_thread_notifications: true } }), false);
});

test('limits: default, filter value, server maximum', () => {
  assert.equal(effectiveLimit(undefined, 10, 100), 10);
  assert.equal(effectiveLimit({ limit: 3 }, 10, 100), 3);
  assert.equal(effectiveLimit({ limit: 5000 }, 10, 100), 100);
});

test('event_fields keeps the named dot-separated paths, with escapes', () => {
  const e = { type: 't', sender: '@a:x', content: { body: 'hi', 'm.relates_to': { rel_type: 'x' }, 'a.b': 1 }, unsigned: { age: 1 } };
  assert.deepEqual(projectEventFields(e, ['type', 'content.body']), { type: 't', content: { body: 'hi' } });
  assert.deepEqual(projectEventFields(e, ['content.m\\.relates_to.rel_type', 'content.a\\.b']), {
    content: { 'm.relates_to': { rel_type: 'x' }, 'a.b': 1 },
  });
  assert.deepEqual(projectEventFields(e, ['content.missing', 'nope']), {});
  assert.equal(projectEventFields(e, undefined), e);
});

/** A reference glob matcher, by recursion: `*` is any sequence, everything else literal. */
function globRef(p: string, s: string): boolean {
  if (p === '') return s === '';
  if (p[0] === '*') return globRef(p.slice(1), s) || (s !== '' && globRef(p, s.slice(1)));
  return s !== '' && p[0] === s[0] && globRef(p.slice(1), s.slice(1));
}

test('typeMatches agrees with a reference glob matcher (property)', () => {
  const alphabet = fc.constantFrom('a', 'b', '.', '*', '+', '(', '\\', '$', '\n');
  const text = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(''));
  fc.assert(
    fc.property(text, text, (pattern, candidate) => {
      const type = candidate.replace(/\*/g, 'a');
      assert.equal(typeMatches(pattern, type), globRef(pattern, type), `${JSON.stringify(pattern)} vs ${JSON.stringify(type)}`);
    }),
    { numRuns: 2000 },
  );
});
