// Account endpoints (client-server-api "Account management", "Current account information";
// whoami.yaml, password_management.yaml, account_deactivation.yaml).
import { endpoint } from '../endpoint.ts';
import { bool, jsonObject, object, optional, str, withDefault } from '../shape.ts';

const V3 = '/_matrix/client/v3';

export const whoami = endpoint({
  name: 'whoami',
  method: 'GET',
  paths: [`${V3}/account/whoami`],
  auth: 'user',
});

export const changePassword = endpoint({
  name: 'changePassword',
  method: 'POST',
  paths: [`${V3}/account/password`],
  auth: 'user',
  rateLimit: 'login',
  body: object({
    new_password: str(),
    logout_devices: withDefault(bool(), true),
    auth: optional(jsonObject()),
  }),
});

export const deactivateAccount = endpoint({
  name: 'deactivateAccount',
  method: 'POST',
  paths: [`${V3}/account/deactivate`],
  auth: 'user',
  rateLimit: 'login',
  body: object({
    auth: optional(jsonObject()),
    id_server: optional(str()),
    erase: withDefault(bool(), false),
  }),
});
