// Registration endpoints (client-server-api "Account registration"; registration.yaml,
// registration_tokens.yaml).
import { endpoint } from '../endpoint.ts';
import { MAX_DEVICE_DISPLAY_NAME_LENGTH } from './devices.ts';
import { bool, jsonObject, literal, object, optional, str, withDefault } from '../shape.ts';

const V3 = '/_matrix/client/v3';

/** application-service-api "Server admin style permissions": registration by an appservice. */
export const LOGIN_TYPE_APPSERVICE = 'm.login.application_service';

// auth 'optional': an appservice's as_token may come with m.login.application_service.
export const register = endpoint({
  name: 'register',
  method: 'POST',
  paths: [`${V3}/register`],
  auth: 'optional',
  masquerade: false,
  rateLimit: 'register',
  query: object({ kind: withDefault(literal('user', 'guest'), 'user') }),
  body: object({
    type: optional(str()),
    auth: optional(jsonObject()),
    username: optional(str()),
    password: optional(str()),
    device_id: optional(str()),
    initial_device_display_name: optional(str({ maxLength: MAX_DEVICE_DISPLAY_NAME_LENGTH })),
    inhibit_login: withDefault(bool(), false),
    refresh_token: withDefault(bool(), false),
  }),
});

export const checkUsernameAvailability = endpoint({
  name: 'checkUsernameAvailability',
  method: 'GET',
  paths: [`${V3}/register/available`],
  auth: 'none',
  rateLimit: 'register',
  query: object({ username: str() }),
});

export const checkRegistrationTokenValidity = endpoint({
  name: 'checkRegistrationTokenValidity',
  method: 'GET',
  paths: ['/_matrix/client/v1/register/m.login.registration_token/validity'],
  auth: 'none',
  // Spec: "Servers should be sure to rate limit this endpoint to avoid brute force attacks."
  rateLimit: 'register',
  query: object({ token: str() }),
});
