// Fixture builders for EventViews with fake ids: a room that tracks its own state, selects auth
// events like a real server would, and hands out events to authorise or resolve.

import type { EventView, JsonObject, StateKey } from '../../core/events/pdu.ts';
import { stateKey } from '../../core/events/pdu.ts';
import type { RoomVersion } from '../../core/events/room-versions.ts';
import { selectAuthEvents } from '../../core/events/auth-events.ts';
import type { AuthState } from '../../core/events/auth-rules.ts';

export const ALICE = '@alice:a.example';
export const BOB = '@bob:b.example';
export const CAROL = '@carol:c.example';
export const DAVE = '@dave:d.example';
export const EVE = '@eve:e.example';

export interface EventSpec {
  readonly type: string;
  readonly sender: string;
  readonly state_key?: string;
  readonly content?: JsonObject;
  readonly prev_events?: readonly string[];
  readonly auth_events?: readonly string[];
  readonly redacts?: string;
  readonly origin_server_ts?: number;
  readonly depth?: number;
  readonly event_id?: string;
  readonly room_id?: string;
}

let counter = 0;
/** A fresh fake event id on the sender's server (v1/v2-shaped so domain checks have a domain). */
export function fakeEventId(sender: string, tag = 'ev'): string {
  counter += 1;
  return `$${tag}${counter}:${sender.slice(sender.indexOf(':') + 1)}`;
}

export function fakeEvent(spec: EventSpec, roomId = '!room:a.example'): EventView {
  return {
    event_id: spec.event_id ?? fakeEventId(spec.sender),
    room_id: spec.room_id ?? roomId,
    type: spec.type,
    ...(spec.state_key !== undefined ? { state_key: spec.state_key } : {}),
    sender: spec.sender,
    content: spec.content ?? {},
    origin_server_ts: spec.origin_server_ts ?? counter,
    depth: spec.depth ?? 1,
    prev_events: spec.prev_events ?? [],
    auth_events: spec.auth_events ?? [],
    ...(spec.redacts !== undefined ? { redacts: spec.redacts } : {}),
  };
}

export const member = (sender: string, target: string, membership: string, extra: JsonObject = {}): EventSpec => ({
  type: 'm.room.member',
  sender,
  state_key: target,
  content: { membership, ...extra },
});
export const join = (user: string, extra: JsonObject = {}): EventSpec => member(user, user, 'join', extra);
export const stateEv = (type: string, sender: string, content: JsonObject, key = ''): EventSpec => ({
  type,
  sender,
  state_key: key,
  content,
});

/** A linear room: each added event follows the previous one and cites auth events from state. */
export class RoomFixture {
  readonly version: RoomVersion;
  readonly events = new Map<string, EventView>();
  readonly state = new Map<StateKey, EventView>();
  readonly create: EventView;
  readonly roomId: string;
  private last: string;
  private depth = 1;

  constructor(version: RoomVersion, creator = ALICE, createContent: JsonObject = {}) {
    this.version = version;
    const content: JsonObject = { room_version: version.id, ...createContent };
    if (version.createEventHasCreator && !('creator' in createContent)) content.creator = creator;
    const domain = creator.slice(creator.indexOf(':') + 1);
    const createId = fakeEventId(creator, 'create');
    this.roomId = version.roomIdFromCreateEvent ? `!${createId.slice(1)}` : `!room:${domain}`;
    this.create = fakeEvent(
      { type: 'm.room.create', sender: creator, state_key: '', content, event_id: createId },
      version.roomIdFromCreateEvent ? '' : this.roomId,
    );
    this.record(this.create);
    this.last = this.create.event_id;
  }

  readonly lookup: AuthState = (type, key) => this.state.get(stateKey(type, key));

  /** An event that follows the current head, with auth events selected from current state. */
  build(spec: EventSpec): EventView {
    const auth =
      spec.auth_events ??
      selectAuthEvents(
        { type: spec.type, sender: spec.sender, state_key: spec.state_key, content: spec.content ?? {} },
        (t, k) => this.state.get(stateKey(t, k))?.event_id,
        this.version,
      );
    return fakeEvent(
      { ...spec, prev_events: spec.prev_events ?? [this.last], auth_events: auth, depth: spec.depth ?? this.depth + 1 },
      this.roomId,
    );
  }

  /** Builds and appends an event, updating state (no auth check: fixtures set up scenarios). */
  add(spec: EventSpec): EventView {
    const ev = this.build(spec);
    this.record(ev);
    this.last = ev.event_id;
    this.depth = ev.depth;
    return ev;
  }

  private record(ev: EventView): void {
    this.events.set(ev.event_id, ev);
    if (ev.state_key !== undefined) this.state.set(stateKey(ev.type, ev.state_key), ev);
  }

  /** Alice joined, power levels (Alice 100 unless v12 where she is the creator), a join rule, Bob joined. */
  static standard(version: RoomVersion, joinRule = 'public', power: JsonObject = {}): RoomFixture {
    const room = new RoomFixture(version);
    room.add(join(ALICE));
    const users: JsonObject = version.privilegedCreators ? {} : { [ALICE]: 100 };
    room.add(stateEv('m.room.power_levels', ALICE, { users, ...power }));
    room.add(stateEv('m.room.join_rules', ALICE, { join_rule: 'public' }));
    room.add(join(BOB));
    if (joinRule !== 'public') room.add(stateEv('m.room.join_rules', ALICE, { join_rule: joinRule }));
    return room;
  }
}
