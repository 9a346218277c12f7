// The filter language of client-server-api "Filtering" (definitions/sync_filter.yaml,
// room_event_filter.yaml, event_filter.yaml) as types, and its parser. The parser validates the
// schema with the spec's types; errors are M_BAD_JSON for a request body and M_INVALID_PARAM for
// the inline JSON of /sync's `filter` query parameter.
import { MatrixError } from '../spec/errors.ts';
import { array, bool, int, literal, object, optional, str, type Shape, type Where } from '../spec/shape.ts';

export interface EventFilter {
  limit?: number;
  types?: string[];
  not_types?: string[];
  senders?: string[];
  not_senders?: string[];
}

export interface RoomEventFilter extends EventFilter {
  rooms?: string[];
  not_rooms?: string[];
  contains_url?: boolean;
  lazy_load_members?: boolean;
  include_redundant_members?: boolean;
  unread_thread_notifications?: boolean;
}

export interface RoomFilter {
  rooms?: string[];
  not_rooms?: string[];
  include_leave?: boolean;
  ephemeral?: RoomEventFilter;
  state?: RoomEventFilter;
  timeline?: RoomEventFilter;
  account_data?: RoomEventFilter;
}

export interface Filter {
  event_fields?: string[];
  event_format?: 'client' | 'federation';
  presence?: EventFilter;
  account_data?: EventFilter;
  room?: RoomFilter;
}

/** Bounds the work one filter can ask of the matcher; not a spec number. */
export const MAX_FILTER_LIST_ITEMS = 1000;

const prefixed = (prefix: string, what: string): Shape<string> => (v, at, where) => {
  const s = str({ maxLength: 255 })(v, at, where);
  if (!s.startsWith(prefix)) throw new MatrixError(where === 'body' ? 'M_BAD_JSON' : 'M_INVALID_PARAM', `${at} must be ${what}`);
  return s;
};
const list = (item: Shape<string>) => optional(array(item, { maxItems: MAX_FILTER_LIST_ITEMS }));
const userIds = list(prefixed('@', 'a user ID'));
const roomIds = list(prefixed('!', 'a room ID'));
const types = list(str({ maxLength: 255 }));

const eventFilterFields = {
  // event_filter.yaml: "must be an integer greater than 0".
  limit: optional(int({ min: 1 })),
  types,
  not_types: types,
  senders: userIds,
  not_senders: userIds,
};

const eventFilter: Shape<EventFilter> = object(eventFilterFields);

const roomEventFilter: Shape<RoomEventFilter> = object({
  ...eventFilterFields,
  rooms: roomIds,
  not_rooms: roomIds,
  contains_url: optional(bool()),
  lazy_load_members: optional(bool()),
  include_redundant_members: optional(bool()),
  unread_thread_notifications: optional(bool()),
});

const roomFilter: Shape<RoomFilter> = object({
  rooms: roomIds,
  not_rooms: roomIds,
  include_leave: optional(bool()),
  ephemeral: optional(roomEventFilter),
  state: optional(roomEventFilter),
  timeline: optional(roomEventFilter),
  account_data: optional(roomEventFilter),
});

const filterShape: Shape<Filter> = object({
  event_fields: list(str({ maxLength: 255 })),
  event_format: optional(literal('client', 'federation')),
  presence: optional(eventFilter),
  account_data: optional(eventFilter),
  room: optional(roomFilter),
});

/** Validates a filter definition and returns its typed form (unknown keys dropped). */
export function parseFilter(value: unknown, where: Where = 'body'): Filter {
  return filterShape(value, where === 'body' ? '' : 'filter', where);
}
