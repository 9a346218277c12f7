// Handlers for reading room history: /event, /context, /messages, /timestamp_to_event,
// /relations and /threads (client-server-api "Getting events for a room", "Relationship types",
// "Threading").
import { route, type Route } from '../../http/route.ts';
import { getEventByTimestamp, getEventContext, getOneRoomEvent, getRoomEvents } from '../../spec/endpoints/events.ts';
import { getRelatingEvents, getThreadRoots } from '../../spec/endpoints/relations.ts';
import { MatrixError } from '../../spec/errors.ts';
import { parseFilter, type RoomEventFilter } from '../../filters/filter.ts';
import type { HistoryDeps } from '../../rooms/history-access.ts';
import { context, getEvent, messages, timestampToEvent } from '../../rooms/history.ts';
import { relations, threads } from '../../rooms/relations-read.ts';

/** The `filter` query parameter: a RoomEventFilter as JSON text (spec "Filtering"). */
export function parseRoomEventFilter(text: string | undefined): RoomEventFilter | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MatrixError('M_INVALID_PARAM', 'filter must be a JSON RoomEventFilter');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MatrixError('M_INVALID_PARAM', 'filter must be a JSON object');
  return parseFilter({ room: { timeline: value } }, 'query').room?.timeline;
}

export function historyRoutes(deps: { history: HistoryDeps }): Route[] {
  const d = deps.history;
  return [
    route(getOneRoomEvent, async ({ requester, params }) => getEvent(d, requester, params.roomId, params.eventId)),
    route(getEventContext, async ({ requester, params, query }) => {
      const filter = parseRoomEventFilter(query.filter);
      return context(d, requester, params.roomId, params.eventId, {
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(filter ? { filter } : {}),
      });
    }),
    route(getRoomEvents, async ({ requester, params, query }) => {
      const filter = parseRoomEventFilter(query.filter);
      return messages(d, requester, params.roomId, {
        dir: query.dir,
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(filter ? { filter } : {}),
      });
    }),
    route(getEventByTimestamp, async ({ requester, params, query }) => timestampToEvent(d, requester, params.roomId, query.ts, query.dir)),
    route(getRelatingEvents, async ({ requester, params, query }) =>
      relations(d, requester, params.roomId, params.eventId, {
        ...(params.relType !== undefined ? { relType: params.relType } : {}),
        ...(params.eventType !== undefined ? { eventType: params.eventType } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.dir !== undefined ? { dir: query.dir } : {}),
        ...(query.recurse !== undefined ? { recurse: query.recurse } : {}),
      }),
    ),
    route(getThreadRoots, async ({ requester, params, query }) =>
      threads(d, requester, params.roomId, {
        ...(query.include !== undefined ? { include: query.include } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    ),
  ];
}
