// Login, refresh and logout endpoints (client-server-api "Login", "Refreshing access tokens",
// "Logout"; login.yaml, refresh.yaml, logout.yaml).
import { endpoint } from '../endpoint.ts';
import { MAX_DEVICE_DISPLAY_NAME_LENGTH } from './devices.ts';
import { bool, jsonObject, object, optional, str, withDefault } from '../shape.ts';

const V3 = '/_matrix/client/v3';

export const getLoginTypes = endpoint({
  name: 'getLoginTypes',
  method: 'GET',
  paths: [`${V3}/login`],
  auth: 'none',
  rateLimit: 'login',
});

// auth 'optional': an appservice's as_token comes with m.login.application_service.
export const login = endpoint({
  name: 'login',
  method: 'POST',
  paths: [`${V3}/login`],
  auth: 'optional',
  rateLimit: 'login',
  body: object({
    type: str(),
    identifier: optional(jsonObject()),
    user: optional(str()),
    password: optional(str()),
    device_id: optional(str()),
    initial_device_display_name: optional(str({ maxLength: MAX_DEVICE_DISPLAY_NAME_LENGTH })),
    refresh_token: withDefault(bool(), false),
  }),
});

export const refreshToken = endpoint({
  name: 'refreshToken',
  method: 'POST',
  paths: [`${V3}/refresh`],
  auth: 'none',
  rateLimit: 'login',
  body: object({ refresh_token: str() }),
});

export const logout = endpoint({
  name: 'logout',
  method: 'POST',
  paths: [`${V3}/logout`],
  auth: 'user',
});

export const logoutAll = endpoint({
  name: 'logoutAll',
  method: 'POST',
  paths: [`${V3}/logout/all`],
  auth: 'user',
});
