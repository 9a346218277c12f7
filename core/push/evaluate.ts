// The push rule evaluator (client-server-api "Push Rules"): which rule of a user's ruleset decides
// an event, and what its actions mean. Pure: the caller supplies the room facts.
//
// - Kinds are checked override, content, room, sender, underride; within a kind in list order;
//   disabled rules never match; the first match decides; no match → no notification.
// - A user's own events never notify.
// - Unknown or malformed conditions never match (so a rule holding one is effectively off).
// - Legacy mention rules are skipped for events with m.mentions (spec "User and room mentions").
// - highlight counts only with notify, as Synapse stores push actions only for notifying rules.
import { LEGACY_MENTION_RULES } from './predefined-rules.ts';
import { RULE_KINDS, type PushAction, type PushCondition, type PushRule, type RuleKind, type Ruleset } from './rules.ts';

export interface PushEvent {
  type: string;
  sender: string;
  stateKey: string | null;
  content: Record<string, unknown>;
  /** Needed by room rules and event_match on room_id; without it they do not match. */
  roomId?: string;
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
  /** Other notifications.* levels of m.room.power_levels, for sender_notification_permission. */
  notificationLevels?: Record<string, number>;
}

export interface PushDecision {
  notify: boolean;
  highlight: boolean;
  /** The deciding rule's actions, legacy ones stripped; [] when nothing matched. */
  actions: PushAction[];
  ruleId: string | null;
  kind: RuleKind | null;
}

const NOTHING: PushDecision = { notify: false, highlight: false, actions: [], ruleId: null, kind: null };
/** m.room.power_levels: notifications.room defaults to 50; other keys have no spec default. */
const DEFAULT_NOTIFICATION_LEVEL = 50;

export function evaluateRuleset(ruleset: Ruleset, event: PushEvent, ctx: PushContext): PushDecision {
  if (event.sender === ctx.userId) return NOTHING;
  const hasMentions = 'm.mentions' in event.content;
  for (const kind of RULE_KINDS) {
    for (const rule of ruleset[kind]) {
      if (!rule.enabled) continue;
      if (hasMentions && rule.default && LEGACY_MENTION_RULES.has(rule.rule_id)) continue;
      if (ruleMatches(kind, rule, event, ctx)) return { ...decide(rule.actions), ruleId: rule.rule_id, kind };
    }
  }
  return NOTHING;
}

/** What an actions list means for counts (spec "Actions"; dont_notify and coalesce are ignored). */
export function decide(actions: readonly PushAction[]): Pick<PushDecision, 'notify' | 'highlight' | 'actions'> {
  const kept = actions.filter((a) => a !== 'dont_notify' && a !== 'coalesce');
  const notify = kept.includes('notify');
  let highlight = false;
  for (const a of kept) {
    if (typeof a === 'object' && a.set_tweak === 'highlight') highlight = a.value === undefined ? true : a.value === true;
  }
  return { notify, highlight: notify && highlight, actions: kept };
}

function ruleMatches(kind: RuleKind, rule: PushRule, event: PushEvent, ctx: PushContext): boolean {
  switch (kind) {
    case 'room':
      return event.roomId !== undefined && event.roomId === rule.rule_id;
    case 'sender':
      return event.sender === rule.rule_id;
    case 'content':
      return typeof rule.pattern === 'string' && conditionMatches({ kind: 'event_match', key: 'content.body', pattern: rule.pattern }, event, ctx);
    default:
      return (rule.conditions ?? []).every((c) => conditionMatches(c, event, ctx));
  }
}

export function conditionMatches(c: PushCondition, event: PushEvent, ctx: PushContext): boolean {
  switch (c.kind) {
    case 'event_match': {
      if (typeof c.key !== 'string' || typeof c.pattern !== 'string') return false;
      const value = property(event, c.key);
      if (typeof value !== 'string') return false;
      return c.key === 'content.body' ? globInWords(c.pattern, value) : globWhole(c.pattern, value);
    }
    case 'event_property_is':
      return typeof c.key === 'string' && isScalar(c.value) && property(event, c.key) === c.value;
    case 'event_property_contains': {
      if (typeof c.key !== 'string' || !isScalar(c.value)) return false;
      const value = property(event, c.key);
      return Array.isArray(value) && value.some((v) => isScalar(v) && v === c.value);
    }
    case 'contains_display_name': {
      const body = event.content.body;
      return ctx.displayName !== null && ctx.displayName !== '' && typeof body === 'string' && literalInWords(ctx.displayName, body);
    }
    case 'room_member_count':
      return typeof c.is === 'string' && memberCountMatches(c.is, ctx.memberCount);
    case 'sender_notification_permission': {
      if (typeof c.key !== 'string') return false;
      const needed = c.key === 'room' ? ctx.roomNotificationLevel : (ctx.notificationLevels?.[c.key] ?? DEFAULT_NOTIFICATION_LEVEL);
      return ctx.senderPowerLevel >= needed;
    }
    default:
      return false;
  }
}

const ROOM_MEMBER_COUNT = /^(==|<=|>=|<|>)?([0-9]+)$/;

/** Spec room_member_count: a decimal integer, optionally prefixed by ==, <, >, >= or <=. */
export const isMemberCountCondition = (is: string): boolean => ROOM_MEMBER_COUNT.test(is);

function memberCountMatches(is: string, count: number): boolean {
  const m = ROOM_MEMBER_COUNT.exec(is);
  if (!m) return false;
  const n = Number(m[2]);
  switch (m[1]) {
    case '<': return count < n;
    case '>': return count > n;
    case '<=': return count <= n;
    case '>=': return count >= n;
    default: return count === n;
  }
}

/** Canonical JSON scalars the property conditions compare (strings, safe integers, booleans, null). */
function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v));
}

/** Spec appendices "Dot-separated property paths": `\.` is a literal dot, `\\` a backslash. */
export function splitPath(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (ch === '\\' && (key[i + 1] === '.' || key[i + 1] === '\\')) cur += key[++i];
    else if (ch === '.') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function property(event: PushEvent, key: string): unknown {
  let cur: unknown = {
    type: event.type,
    sender: event.sender,
    content: event.content,
    ...(event.stateKey !== null ? { state_key: event.stateKey } : {}),
    ...(event.roomId !== undefined ? { room_id: event.roomId } : {}),
  };
  for (const p of splitPath(key)) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Spec appendices "Glob-style matching": `*` any run of characters, `?` exactly one. */
const globRegex = (p: string): string => [...p].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegex(ch))).join('');
/** A word boundary: the start or end of the value, or a character outside [A-Za-z0-9_]. */
const inWords = (re: string): RegExp => new RegExp(`(?:^|[^A-Za-z0-9_])${re}(?:[^A-Za-z0-9_]|$)`, 'is');

const globWhole = (pattern: string, value: string): boolean => new RegExp(`^${globRegex(pattern)}$`, 'is').test(value);
const globInWords = (pattern: string, value: string): boolean => inWords(globRegex(pattern)).test(value);
const literalInWords = (literal: string, value: string): boolean => inWords(escapeRegex(literal)).test(value);
