// Profile lookups that ask the appservice first (as Synapse does): a client looking up the
// profile of a user in an appservice's users namespace who does not exist yet makes the hub
// query the appservice (GET /_matrix/app/v1/users/{userId}); if it answers 2xx (it registered the
// user) the lookup runs again. Any other outcome is the ordinary M_NOT_FOUND.
import { MatrixError } from '../../core/spec/errors.ts';
import type { ProfilesApi } from '../../core/users/api.ts';
import type { AppserviceQueries } from './queries.ts';

export function profilesWithUserQuery(profiles: ProfilesApi, queries: Pick<AppserviceQueries, 'queryUser'>): ProfilesApi {
  const retry = async <T>(userId: string, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (e) {
      if (!(e instanceof MatrixError) || e.errcode !== 'M_NOT_FOUND' || !(await queries.queryUser(userId))) throw e;
      return read();
    }
  };
  return {
    getProfile: (userId) => retry(userId, () => profiles.getProfile(userId)),
    getProfileField: (userId, field) => retry(userId, () => profiles.getProfileField(userId, field)),
    setProfileField: (r, userId, field, value) => profiles.setProfileField(r, userId, field, value),
    deleteProfileField: (r, userId, field) => profiles.deleteProfileField(r, userId, field),
  };
}
