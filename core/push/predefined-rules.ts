// The server-default push rules (client-server-api "Push Rules" → "Predefined Rules"), per user
// because some name the user. Every rule of the current spec is here, in spec order. Besides
// them, like Synapse, we keep:
// - the legacy body-mention rules (.m.rule.contains_display_name, .m.rule.roomnotif,
//   .m.rule.contains_user_name), removed from the spec in v1.17 but still how a user is mentioned
//   by clients and bridges that send no m.mentions; the evaluator skips them for events that
//   carry m.mentions (spec "User and room mentions"), and they sit where Synapse puts them;
// - poll rules (MSC3930) after the spec's underride rules, so polls count like messages.
import type { PushAction, PushCondition, PushRule, Ruleset } from './rules.ts';

/** The legacy rules the evaluator ignores for events with m.mentions. */
export const LEGACY_MENTION_RULES: ReadonlySet<string> = new Set(['.m.rule.contains_display_name', '.m.rule.roomnotif', '.m.rule.contains_user_name']);

const SOUND_DEFAULT: PushAction = { set_tweak: 'sound', value: 'default' };
const HIGHLIGHT: PushAction = { set_tweak: 'highlight' };
const match = (key: string, pattern: string): PushCondition => ({ kind: 'event_match', key, pattern });
const rule = (rule_id: string, conditions: PushCondition[], actions: PushAction[], enabled = true): PushRule => ({
  rule_id,
  default: true,
  enabled,
  conditions,
  actions,
});
const oneToOne: PushCondition = { kind: 'room_member_count', is: '2' };

export function predefinedRules(userId: string): Ruleset {
  const localpart = userId.slice(1, userId.indexOf(':'));
  return {
    override: [
      rule('.m.rule.master', [], [], false),
      rule('.m.rule.suppress_notices', [match('content.msgtype', 'm.notice')], []),
      rule('.m.rule.invite_for_me', [match('type', 'm.room.member'), match('content.membership', 'invite'), match('state_key', userId)], ['notify', SOUND_DEFAULT]),
      rule('.m.rule.member_event', [match('type', 'm.room.member')], []),
      rule('.m.rule.is_user_mention', [{ kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: userId }], ['notify', SOUND_DEFAULT, HIGHLIGHT]),
      rule('.m.rule.contains_display_name', [{ kind: 'contains_display_name' }], ['notify', SOUND_DEFAULT, HIGHLIGHT]),
      rule('.m.rule.is_room_mention', [{ kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true }, { kind: 'sender_notification_permission', key: 'room' }], ['notify', HIGHLIGHT]),
      rule('.m.rule.roomnotif', [{ kind: 'sender_notification_permission', key: 'room' }, match('content.body', '@room')], ['notify', HIGHLIGHT]),
      rule('.m.rule.tombstone', [match('type', 'm.room.tombstone'), match('state_key', '')], ['notify', HIGHLIGHT]),
      rule('.m.rule.reaction', [match('type', 'm.reaction')], []),
      rule('.m.rule.room.server_acl', [match('type', 'm.room.server_acl'), match('state_key', '')], []),
      rule('.m.rule.suppress_edits', [{ kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' }], []),
    ],
    content: [{ rule_id: '.m.rule.contains_user_name', default: true, enabled: true, pattern: localpart, actions: ['notify', SOUND_DEFAULT, HIGHLIGHT] }],
    room: [],
    sender: [],
    underride: [
      rule('.m.rule.call', [match('type', 'm.call.invite')], ['notify', { set_tweak: 'sound', value: 'ring' }]),
      rule('.m.rule.encrypted_room_one_to_one', [oneToOne, match('type', 'm.room.encrypted')], ['notify', SOUND_DEFAULT]),
      rule('.m.rule.room_one_to_one', [oneToOne, match('type', 'm.room.message')], ['notify', SOUND_DEFAULT]),
      rule('.m.rule.message', [match('type', 'm.room.message')], ['notify']),
      rule('.m.rule.encrypted', [match('type', 'm.room.encrypted')], ['notify']),
      rule('.m.rule.poll_start_one_to_one', [oneToOne, match('type', 'm.poll.start')], ['notify', SOUND_DEFAULT]),
      rule('.m.rule.poll_start', [match('type', 'm.poll.start')], ['notify']),
      rule('.m.rule.poll_end_one_to_one', [oneToOne, match('type', 'm.poll.end')], ['notify', SOUND_DEFAULT]),
      rule('.m.rule.poll_end', [match('type', 'm.poll.end')], ['notify']),
    ],
  };
}
