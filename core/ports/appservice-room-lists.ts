// Appservice room lists (client-server-api "Room directory"): what /publicRooms needs from the
// appservice hub to honour `third_party_instance_id` and `include_all_networks`, and what the
// PUT /directory/list/appservice/{networkId}/{roomId} handlers call.
// A third-party instance id is `<appservice id>|<network id>`, as /thirdparty/protocols hands out.
import type { Requester } from '../spec/endpoint.ts';

export interface PublicRoomsSelection {
  /** Whether the server's own room directory is part of the answer. */
  includeMainDirectory: boolean;
  /** Rooms from appservice lists to add (deduplicated, in listing order). */
  roomIds: string[];
}

export interface AppserviceRoomLists {
  /**
   * client-server-api GET /publicRooms: no instance and include_all_networks false → the main
   * directory only; include_all_networks → the main directory and every network's list;
   * third_party_instance_id → that network's list only (M_INVALID_PARAM for both at once).
   */
  select(opts: { thirdPartyInstanceId?: string; includeAllNetworks?: boolean }): Promise<PublicRoomsSelection>;
  /** PUT with visibility: the calling appservice lists (public) or unlists (private) the room. */
  setVisibility(requester: Requester, networkId: string, roomId: string, visibility: 'public' | 'private'): Promise<void>;
}
