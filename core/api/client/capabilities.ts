// GET /capabilities (client-server-api "Capabilities negotiation"): what this server lets users
// change, and its room versions (all stable ones in core/events/room-versions.ts).
import { ROOM_VERSIONS } from '../../events/room-versions.ts';
import { route, type Route } from '../../http/route.ts';
import { getCapabilities } from '../../spec/endpoints/capabilities.ts';

export function buildCapabilities(defaultRoomVersion: string): Record<string, unknown> {
  const available = Object.fromEntries([...ROOM_VERSIONS.values()].map((v) => [v.id, v.stability]));
  return {
    capabilities: {
      'm.change_password': { enabled: true },
      'm.set_displayname': { enabled: true },
      'm.set_avatar_url': { enabled: true },
      'm.profile_fields': { enabled: true },
      // No 3PIDs: the administrative contact API is not offered.
      'm.3pid_changes': { enabled: false },
      'm.room_versions': { default: defaultRoomVersion, available },
    },
  };
}

export function capabilitiesRoutes(deps: { defaultRoomVersion: string }): Route[] {
  const body = buildCapabilities(deps.defaultRoomVersion);
  return [route(getCapabilities, async () => body)];
}
