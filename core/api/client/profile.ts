// Handlers for profiles (client-server-api "Profiles"). The PUT body holds exactly the field
// named in the path.
import { route, type Route } from '../../http/route.ts';
import { MatrixError } from '../../spec/errors.ts';
import { deleteProfileField, getProfile, getProfileField, setProfileField } from '../../spec/endpoints/profile.ts';
import type { ProfilesApi } from '../../users/api.ts';

export function profileRoutes(deps: { profiles: ProfilesApi }): Route[] {
  const { profiles } = deps;
  return [
    route(getProfile, async ({ params }) => profiles.getProfile(params.userId)),
    route(getProfileField, async ({ params }) => ({
      [params.keyName]: await profiles.getProfileField(params.userId, params.keyName),
    })),
    route(setProfileField, async ({ requester, params, body }) => {
      if (!(params.keyName in body)) throw new MatrixError('M_MISSING_PARAM', `Missing ${params.keyName}`);
      await profiles.setProfileField(requester, params.userId, params.keyName, body[params.keyName]);
      return {};
    }),
    route(deleteProfileField, async ({ requester, params }) => {
      await profiles.deleteProfileField(requester, params.userId, params.keyName);
      return {};
    }),
  ];
}
