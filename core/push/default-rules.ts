// The server-default push rules (client-server-api "Push Rules" → "Predefined Rules") and their
// evaluation, as far as notification counts need them: which events notify a user and which
// highlight. Pure: the caller supplies the room facts (member count, display name, power levels).
// User-defined rules and the push-rules endpoints come with the push feature; until then every
// user has exactly these defaults (.m.rule.master is disabled by default, so it is left out).

export interface PushEvent {
  type: string;
  sender: string;
  stateKey: string | null;
  content: Record<string, unknown>;
}

export interface PushContext {
  userId: string;
  /** The user's display name in the room (m.room.member displayname), if any. */
  displayName: string | null;
  /** Joined members of the room. */
  memberCount: number;
  senderPowerLevel: number;
  /** notifications.room of m.room.power_levels (default 50). */
  roomNotificationLevel: number;
}

export interface PushResult {
  notify: boolean;
  highlight: boolean;
}

type Condition =
  | { kind: 'event_match'; key: string; pattern: string }
  | { kind: 'event_property_is'; key: string; value: unknown }
  | { kind: 'event_property_contains'; key: string; value: 'USER_ID' }
  | { kind: 'contains_display_name' }
  | { kind: 'room_member_count'; is: string }
  | { kind: 'sender_notification_permission'; key: 'room' }
  | { kind: 'state_key_is_user' }
  | { kind: 'no_mentions' };

interface Rule {
  id: string;
  conditions: Condition[];
  actions: PushResult | null;
}

const DONT = null;
const NOTIFY: PushResult = { notify: true, highlight: false };
const HIGHLIGHT: PushResult = { notify: true, highlight: true };

/** Override rules, then content (.m.rule.contains_user_name), then underride — in spec order. */
export const DEFAULT_RULES: readonly Rule[] = [
  // override
  { id: '.m.rule.suppress_notices', conditions: [{ kind: 'event_match', key: 'content.msgtype', pattern: 'm.notice' }], actions: DONT },
  {
    id: '.m.rule.invite_for_me',
    conditions: [
      { kind: 'event_match', key: 'type', pattern: 'm.room.member' },
      { kind: 'event_match', key: 'content.membership', pattern: 'invite' },
      { kind: 'state_key_is_user' },
    ],
    actions: NOTIFY,
  },
  { id: '.m.rule.member_event', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.member' }], actions: DONT },
  { id: '.m.rule.is_user_mention', conditions: [{ kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: 'USER_ID' }], actions: HIGHLIGHT },
  // Legacy mention rules apply only to events without m.mentions (spec "User and room mentions").
  { id: '.m.rule.contains_display_name', conditions: [{ kind: 'no_mentions' }, { kind: 'contains_display_name' }], actions: HIGHLIGHT },
  {
    id: '.m.rule.is_room_mention',
    conditions: [
      { kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true },
      { kind: 'sender_notification_permission', key: 'room' },
    ],
    actions: HIGHLIGHT,
  },
  {
    id: '.m.rule.roomnotif',
    conditions: [{ kind: 'no_mentions' }, { kind: 'sender_notification_permission', key: 'room' }, { kind: 'event_match', key: 'content.body', pattern: '@room' }],
    actions: HIGHLIGHT,
  },
  {
    id: '.m.rule.tombstone',
    conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.tombstone' }, { kind: 'event_match', key: 'state_key', pattern: '' }],
    actions: HIGHLIGHT,
  },
  { id: '.m.rule.reaction', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.reaction' }], actions: DONT },
  { id: '.m.rule.room.server_acl', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.server_acl' }], actions: DONT },
  { id: '.m.rule.suppress_edits', conditions: [{ kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' }], actions: DONT },
  // content
  { id: '.m.rule.contains_user_name', conditions: [{ kind: 'no_mentions' }, { kind: 'event_match', key: 'content.body', pattern: 'LOCALPART' }], actions: HIGHLIGHT },
  // underride
  { id: '.m.rule.call', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.call.invite' }], actions: NOTIFY },
  {
    id: '.m.rule.encrypted_room_one_to_one',
    conditions: [{ kind: 'room_member_count', is: '2' }, { kind: 'event_match', key: 'type', pattern: 'm.room.encrypted' }],
    actions: NOTIFY,
  },
  {
    id: '.m.rule.room_one_to_one',
    conditions: [{ kind: 'room_member_count', is: '2' }, { kind: 'event_match', key: 'type', pattern: 'm.room.message' }],
    actions: NOTIFY,
  },
  { id: '.m.rule.message', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.message' }], actions: NOTIFY },
  { id: '.m.rule.encrypted', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.encrypted' }], actions: NOTIFY },
  { id: '.m.rule.poll_start_one_to_one', conditions: [{ kind: 'room_member_count', is: '2' }, { kind: 'event_match', key: 'type', pattern: 'm.poll.start' }], actions: NOTIFY },
  { id: '.m.rule.poll_start', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.poll.start' }], actions: NOTIFY },
  { id: '.m.rule.poll_end_one_to_one', conditions: [{ kind: 'room_member_count', is: '2' }, { kind: 'event_match', key: 'type', pattern: 'm.poll.end' }], actions: NOTIFY },
  { id: '.m.rule.poll_end', conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.poll.end' }], actions: NOTIFY },
];

/** The first matching rule decides; no match → no notification. A user's own events never notify. */
export function evaluatePush(event: PushEvent, ctx: PushContext): PushResult & { ruleId: string | null } {
  if (event.sender === ctx.userId) return { notify: false, highlight: false, ruleId: null };
  for (const rule of DEFAULT_RULES) {
    if (rule.conditions.every((c) => matches(c, event, ctx))) {
      return { ...(rule.actions ?? { notify: false, highlight: false }), ruleId: rule.id };
    }
  }
  return { notify: false, highlight: false, ruleId: null };
}

function matches(c: Condition, event: PushEvent, ctx: PushContext): boolean {
  switch (c.kind) {
    case 'event_match': {
      const value = property(event, c.key);
      if (typeof value !== 'string') return false;
      const pattern = c.pattern === 'LOCALPART' ? localpart(ctx.userId) : c.pattern;
      // content.body is matched on word boundaries; other keys match the whole value.
      return c.key === 'content.body' ? containsWord(value, pattern) : globMatch(pattern, value);
    }
    case 'event_property_is':
      return property(event, c.key) === c.value;
    case 'event_property_contains': {
      const value = property(event, c.key);
      return Array.isArray(value) && value.includes(ctx.userId);
    }
    case 'contains_display_name': {
      const body = event.content.body;
      return ctx.displayName !== null && ctx.displayName !== '' && typeof body === 'string' && containsWord(body, ctx.displayName);
    }
    case 'room_member_count':
      return ctx.memberCount === Number(c.is);
    case 'sender_notification_permission':
      return ctx.senderPowerLevel >= ctx.roomNotificationLevel;
    case 'state_key_is_user':
      return event.stateKey === ctx.userId;
    case 'no_mentions':
      return !('m.mentions' in event.content);
  }
}

/** Spec "Conditions": dot-separated paths, `\.` escaping a literal dot. */
function property(event: PushEvent, key: string): unknown {
  const parts = key.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  let cur: unknown = { type: event.type, sender: event.sender, state_key: event.stateKey ?? undefined, content: event.content };
  for (const p of parts) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const localpart = (userId: string): string => userId.slice(1, userId.indexOf(':'));
const escape = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
const glob = (p: string): string => escape(p).replace(/\*/g, '.*').replace(/\?/g, '.');

function globMatch(pattern: string, value: string): boolean {
  return new RegExp(`^${glob(pattern)}$`, 'is').test(value);
}

/** Case-insensitive match of the pattern on word boundaries (spec: for content.body). */
function containsWord(value: string, pattern: string): boolean {
  return new RegExp(`(?:^|\\W)${glob(pattern)}(?:\\W|$)`, 'is').test(value);
}
