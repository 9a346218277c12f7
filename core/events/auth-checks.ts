// The three authorisation checks a received PDU goes through, and soft failure.
// Spec: server-server-api "Checks performed on receipt of a PDU" (steps 4–6), "Rejection",
// "Soft failure"; rooms/v12 rule 3 (v1 rule 2): the checks on the auth_events list itself.

import type { EventView, StateKey } from './pdu.ts';
import { stateKey } from './pdu.ts';
import type { RoomVersion } from './room-versions.ts';
import { CREATE, isSelectableAuthEvent } from './auth-events.ts';
import { authorize } from './auth-rules.ts';
import { ALLOW, deny, type AuthOptions, type AuthResult, type AuthState } from './auth-rules-common.ts';

/** A state accessor over a map of state events. */
export function stateLookup(state: ReadonlyMap<StateKey, EventView>): AuthState {
  return (type, key) => state.get(stateKey(type, key));
}

/**
 * v12 rule 3 / v1 rule 2: the auth_events list has no duplicate (type, state_key), only
 * selectable kinds, no rejected entries, a create event (v1–v11) and only this room's events.
 */
export function checkAuthEventsList(
  event: EventView,
  authEvents: readonly EventView[],
  version: RoomVersion,
  isRejected: (eventId: string) => boolean = () => false,
): AuthResult {
  if (event.type === CREATE) return authEvents.length === 0 ? ALLOW : deny('create: has auth_events');
  const seen = new Set<string>();
  let hasCreate = false;
  for (const a of authEvents) {
    if (typeof a?.type !== 'string' || typeof a.state_key !== 'string') return deny('auth_events: entry is not a state event');
    const key = stateKey(a.type, a.state_key);
    if (seen.has(key)) return deny(`auth_events: duplicate ${a.type}`); // 3.1
    seen.add(key);
    if (!isSelectableAuthEvent(event, a, version)) return deny(`auth_events: ${a.type} is not a selectable auth event`); // 3.2
    if (isRejected(a.event_id)) return deny('auth_events: entry was rejected'); // 3.3
    if (a.type === CREATE) hasCreate = true;
    if (a.room_id !== event.room_id) return deny('auth_events: entry from another room'); // 3.5
  }
  if (!version.roomIdFromCreateEvent && !hasCreate) return deny('auth_events: no m.room.create'); // v1 2.4
  return ALLOW;
}

/**
 * PDU check 4: the auth rules against the event's own auth events. In v12 the create event is
 * not among them, so the caller passes it (found from the room id) as `create`.
 */
export function authorizeByAuthEvents(
  event: EventView,
  authEvents: readonly EventView[],
  version: RoomVersion,
  opts: AuthOptions & { isRejected?: (eventId: string) => boolean; create?: EventView } = {},
): AuthResult {
  const listCheck = checkAuthEventsList(event, authEvents, version, opts.isRejected);
  if (!listCheck.allowed) return listCheck;
  const byKey = new Map<StateKey, EventView>();
  for (const a of authEvents) byKey.set(stateKey(a.type, a.state_key ?? ''), a);
  if (opts.create && version.roomIdFromCreateEvent) byKey.set(stateKey(CREATE, ''), opts.create);
  return authorize(event, stateLookup(byKey), version, opts);
}

/** PDU check 5: the auth rules against the state before the event (failing means rejected). */
export const authorizeByStateBefore = (
  event: EventView,
  stateBefore: AuthState,
  version: RoomVersion,
  opts: AuthOptions = {},
): AuthResult => authorize(event, stateBefore, version, opts);

export type ReceiptOutcome =
  | { readonly outcome: 'accepted' }
  | { readonly outcome: 'rejected'; readonly reason: string }
  | { readonly outcome: 'soft_failed'; readonly reason: string };

/** PDU check 6: soft failure — allowed at the event, but not by the room's current state. */
export function checkSoftFailure(
  event: EventView,
  currentState: AuthState,
  version: RoomVersion,
  opts: AuthOptions = {},
): ReceiptOutcome {
  const r = authorize(event, currentState, version, opts);
  return r.allowed ? { outcome: 'accepted' } : { outcome: 'soft_failed', reason: r.reason };
}

/** Steps 4–6 in order; the first failure decides the outcome. */
export function authorizeReceivedPdu(
  event: EventView,
  input: {
    readonly authEvents: readonly EventView[];
    readonly stateBefore: AuthState;
    readonly currentState: AuthState;
    readonly create?: EventView;
    readonly isRejected?: (eventId: string) => boolean;
  },
  version: RoomVersion,
  opts: AuthOptions = {},
): ReceiptOutcome {
  const byAuth = authorizeByAuthEvents(event, input.authEvents, version, {
    ...opts,
    isRejected: input.isRejected,
    create: input.create,
  });
  if (!byAuth.allowed) return { outcome: 'rejected', reason: byAuth.reason };
  const byState = authorizeByStateBefore(event, input.stateBefore, version, opts);
  if (!byState.allowed) return { outcome: 'rejected', reason: byState.reason };
  return checkSoftFailure(event, input.currentState, version, opts);
}
