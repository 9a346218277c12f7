// History visibility (client-server-api "History visibility", the server's algorithm): whether
// one user may see one event, decided from the state at that event and the user's membership at
// that event. Pure: the read paths (history-access.ts) gather the inputs.
import type { Membership } from './api.ts';

export type HistoryVisibility = 'world_readable' | 'shared' | 'invited' | 'joined';

/** Spec: "the default value for history_visibility, if none is set, is shared". */
export const DEFAULT_HISTORY_VISIBILITY: HistoryVisibility = 'shared';

const KNOWN: readonly string[] = ['world_readable', 'shared', 'invited', 'joined'];

/** content.history_visibility of an m.room.history_visibility event; unknown values count as shared. */
export function parseHistoryVisibility(value: unknown): HistoryVisibility {
  return typeof value === 'string' && KNOWN.includes(value) ? (value as HistoryVisibility) : DEFAULT_HISTORY_VISIBILITY;
}

export interface VisibilityInput {
  /** history_visibility in the room state at the event. */
  readonly visibility: HistoryVisibility;
  /** The user's membership at the event (their own membership event counts as its result). */
  readonly membership: Membership | null;
  /** Whether the user was joined at some point after the event was sent (for `shared`). */
  readonly joinedAfter: boolean;
}

/**
 * The spec's steps, in order:
 * 1. world_readable → allow.
 * 2. membership join → allow.
 * 3. shared, and the user joined at any point after the event → allow.
 * 4. invited, and the membership was invite → allow.
 * 5. otherwise deny.
 */
export function eventVisible(v: VisibilityInput): boolean {
  if (v.visibility === 'world_readable') return true;
  if (v.membership === 'join') return true;
  if (v.visibility === 'shared' && v.joinedAfter) return true;
  if (v.visibility === 'invited' && v.membership === 'invite') return true;
  return false;
}

/** One change of a value over the room's stream: its position and the value from then on. */
export interface Change<T> {
  readonly stream: number;
  readonly value: T;
}

/**
 * The user's timeline through the room (memberships, history_visibility changes), turned into
 * the per-event inputs. Events are placed by stream position: state at an event is every change
 * strictly before it, except that the user's own membership event takes its own effect (a user
 * sees their own join, and their own leave only if allowed before it — spec: the membership at
 * the event "is the membership after the event" for the user's own membership event).
 */
export class VisibilityTimeline {
  readonly #memberships: readonly Change<Membership>[];
  readonly #visibilities: readonly Change<HistoryVisibility>[];
  constructor(memberships: readonly Change<Membership>[], visibilities: readonly Change<HistoryVisibility>[]) {
    this.#memberships = [...memberships].sort((a, b) => a.stream - b.stream);
    this.#visibilities = [...visibilities].sort((a, b) => a.stream - b.stream);
  }

  /** Whether the user ever had a membership in the room (invite, join, knock, ...). */
  everMember(): boolean {
    return this.#memberships.length > 0;
  }

  /** The room's history_visibility now. */
  currentVisibility(): HistoryVisibility {
    return this.#visibilities.at(-1)?.value ?? DEFAULT_HISTORY_VISIBILITY;
  }

  inputFor(event: { streamOrdering: number; type: string; stateKey: string | null }, userId: string): VisibilityInput {
    const own = event.type === 'm.room.member' && event.stateKey === userId;
    let membership: Membership | null = null;
    let joinedAfter = false;
    for (const m of this.#memberships) {
      if (m.stream < event.streamOrdering || (own && m.stream === event.streamOrdering)) membership = m.value;
      else if (m.value === 'join') joinedAfter = true;
    }
    let visibility = DEFAULT_HISTORY_VISIBILITY;
    for (const h of this.#visibilities) if (h.stream < event.streamOrdering) visibility = h.value;
    return { visibility, membership, joinedAfter };
  }

  visible(event: { streamOrdering: number; type: string; stateKey: string | null }, userId: string): boolean {
    const input = this.inputFor(event, userId);
    // As Synapse: a user always sees their own leave or ban (else a rejected invite or a kick
    // would never reach them).
    if (event.type === 'm.room.member' && event.stateKey === userId && (input.membership === 'leave' || input.membership === 'ban')) return true;
    return eventVisible(input);
  }
}
