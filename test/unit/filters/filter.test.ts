import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../../../core/filters/filter.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

function rejects(value: unknown, errcode: string, where: 'body' | 'query' = 'body') {
  assert.throws(
    () => parseFilter(value, where),
    (e: unknown) => e instanceof MatrixError && e.errcode === errcode,
    JSON.stringify(value),
  );
}

test('a full spec filter parses to the same value', () => {
  const f = {
    event_fields: ['type', 'content.body'],
    event_format: 'client',
    presence: { types: ['m.presence'], not_senders: ['@spam:x'], limit: 5 },
    account_data: { not_types: ['m.*'] },
    room: {
      rooms: ['!a:x'],
      not_rooms: ['!b:x'],
      include_leave: true,
      ephemeral: { types: ['m.receipt', 'm.typing'] },
      state: { lazy_load_members: true, include_redundant_members: false },
      timeline: { limit: 10, contains_url: true, senders: ['@a:x'], unread_thread_notifications: true },
      account_data: { types: ['m.tag'] },
    },
  };
  assert.deepEqual(parseFilter(f), f);
  assert.deepEqual(parseFilter({}), {});
});

test('unknown keys are dropped, so stored filters hold only the spec fields', () => {
  assert.deepEqual(parseFilter({ room: { timeline: { limit: 3, org_x: 1 } }, custom: true }), { room: { timeline: { limit: 3 } } });
});

test('wrong types are M_BAD_JSON in a body and M_INVALID_PARAM inline', () => {
  rejects([], 'M_BAD_JSON');
  rejects({ room: { timeline: { limit: 0 } } }, 'M_BAD_JSON');
  rejects({ room: { timeline: { limit: 1.5 } } }, 'M_BAD_JSON');
  rejects({ room: { timeline: { limit: '10' } } }, 'M_BAD_JSON');
  rejects({ room: { rooms: ['not-a-room'] } }, 'M_BAD_JSON');
  rejects({ presence: { senders: ['alice'] } }, 'M_BAD_JSON');
  rejects({ event_format: 'xml' }, 'M_BAD_JSON');
  rejects({ room: { include_leave: 'yes' } }, 'M_BAD_JSON');
  rejects({ account_data: { types: 'm.tag' } }, 'M_BAD_JSON');
  rejects({ room: { state: { lazy_load_members: 1 } } }, 'M_BAD_JSON');
  rejects({ room: { timeline: { limit: 0 } } }, 'M_INVALID_PARAM', 'query');
});
