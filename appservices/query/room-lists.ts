// AppserviceRoomLists (core/ports/appservice-room-lists.ts) over the store. Spec:
// client-server-api "Room directory" — PUT /directory/list/appservice/{networkId}/{roomId}
// ("Updates the visibility of a given room in the application service's room directory"; only
// appservices may call it) and /publicRooms `third_party_instance_id` / `include_all_networks`.
import type { AppserviceRoomLists, PublicRoomsSelection } from '../../core/ports/appservice-room-lists.ts';
import type { Requester } from '../../core/spec/endpoint.ts';
import { MatrixError } from '../../core/spec/errors.ts';
import { parseRoomId } from '../../core/spec/ids.ts';
import type { AppserviceRoomListStore } from '../store.ts';

/** `<appservice id>|<network id>`: Synapse's ThirdPartyInstanceID, as /thirdparty/protocols names instances. */
export const instanceId = (appserviceId: string, networkId: string): string => `${appserviceId}|${networkId}`;

export function parseInstanceId(id: string): { appserviceId: string; networkId: string } | null {
  const bar = id.indexOf('|');
  if (bar <= 0 || bar === id.length - 1) return null;
  return { appserviceId: id.slice(0, bar), networkId: id.slice(bar + 1) };
}

export function createAppserviceRoomLists(deps: { store: AppserviceRoomListStore; now?: () => number }): AppserviceRoomLists {
  const now = deps.now ?? Date.now;
  const caller = (r: Requester, roomId: string): string => {
    if (r.appserviceId === null) throw new MatrixError('M_FORBIDDEN', 'Only application services may edit their room lists');
    if (!parseRoomId(roomId)) throw new MatrixError('M_INVALID_PARAM', 'Not a room id');
    return r.appserviceId;
  };
  return {
    async select(opts): Promise<PublicRoomsSelection> {
      if (opts.thirdPartyInstanceId !== undefined) {
        if (opts.includeAllNetworks) throw new MatrixError('M_INVALID_PARAM', 'include_all_networks and third_party_instance_id are exclusive');
        const parsed = parseInstanceId(opts.thirdPartyInstanceId);
        if (!parsed) return { includeMainDirectory: false, roomIds: [] };
        return { includeMainDirectory: false, roomIds: unique((await deps.store.list(parsed)).map((e) => e.roomId)) };
      }
      if (!opts.includeAllNetworks) return { includeMainDirectory: true, roomIds: [] };
      return { includeMainDirectory: true, roomIds: unique((await deps.store.list(null)).map((e) => e.roomId)) };
    },
    async setVisibility(r, networkId, roomId, visibility) {
      const appserviceId = caller(r, roomId);
      if (visibility === 'public') await deps.store.publish({ appserviceId, networkId, roomId }, now());
      else await deps.store.unpublish({ appserviceId, networkId, roomId });
    },
  };
}

const unique = (ids: string[]): string[] => [...new Set(ids)];
