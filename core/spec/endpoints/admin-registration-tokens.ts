// Synapse-compatible registration-token admin API (Synapse docs: admin_api/registration_tokens).
import { endpoint } from '../endpoint.ts';
import { int, object, optional, str } from '../shape.ts';

const BASE = '/_synapse/admin/v1/registration_tokens';

export const listRegistrationTokens = endpoint({
  name: 'listRegistrationTokens',
  method: 'GET',
  paths: [BASE],
  auth: 'admin',
});

export const createRegistrationToken = endpoint({
  name: 'createRegistrationToken',
  method: 'POST',
  paths: [`${BASE}/new`],
  auth: 'admin',
  body: object({
    token: optional(str({ maxLength: 64 })),
    length: optional(int({ min: 1, max: 64 })),
    uses_allowed: optional(int({ min: 0 })),
    expiry_time: optional(int({ min: 0 })),
  }),
});

export const getRegistrationToken = endpoint({
  name: 'getRegistrationToken',
  method: 'GET',
  paths: [`${BASE}/:token`],
  auth: 'admin',
  params: object({ token: str() }),
});

export const deleteRegistrationToken = endpoint({
  name: 'deleteRegistrationToken',
  method: 'DELETE',
  paths: [`${BASE}/:token`],
  auth: 'admin',
  params: object({ token: str() }),
});
