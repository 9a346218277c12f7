// Profile endpoints (client-server-api "Profiles"; profile.yaml). The generic {keyName} paths
// cover displayname and avatar_url as well as m.tz and custom fields (v1.16).
import { endpoint } from '../endpoint.ts';
import { jsonObject, object, str } from '../shape.ts';

const V3 = '/_matrix/client/v3';
/** profile.yaml keyName pattern. */
const PROFILE_KEY = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;

const fieldParams = object({ userId: str(), keyName: str({ pattern: PROFILE_KEY }) });

export const getProfile = endpoint({
  name: 'getProfile',
  method: 'GET',
  paths: [`${V3}/profile/:userId`],
  auth: 'none',
  params: object({ userId: str() }),
});

export const getProfileField = endpoint({
  name: 'getProfileField',
  method: 'GET',
  paths: [`${V3}/profile/:userId/:keyName`],
  auth: 'none',
  params: fieldParams,
});

export const setProfileField = endpoint({
  name: 'setProfileField',
  method: 'PUT',
  paths: [`${V3}/profile/:userId/:keyName`],
  auth: 'user',
  params: fieldParams,
  body: jsonObject(),
});

export const deleteProfileField = endpoint({
  name: 'deleteProfileField',
  method: 'DELETE',
  paths: [`${V3}/profile/:userId/:keyName`],
  auth: 'user',
  params: fieldParams,
});
