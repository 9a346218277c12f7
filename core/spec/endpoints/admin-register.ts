// Synapse-compatible shared-secret registration (Synapse docs, admin_api/register_api). The
// caller proves knowledge of the shared secret with an HMAC, so no access token is needed.
import { endpoint } from '../endpoint.ts';
import { bool, object, optional, str, withDefault } from '../shape.ts';

const PATH = '/_synapse/admin/v1/register';

export const getSharedSecretRegisterNonce = endpoint({
  name: 'getSharedSecretRegisterNonce',
  method: 'GET',
  paths: [PATH],
  auth: 'none',
  rateLimit: 'register',
});

export const sharedSecretRegister = endpoint({
  name: 'sharedSecretRegister',
  method: 'POST',
  paths: [PATH],
  auth: 'none',
  rateLimit: 'register',
  body: object({
    nonce: str(),
    username: str(),
    password: str(),
    admin: withDefault(bool(), false),
    displayname: optional(str()),
    user_type: optional(str()),
    mac: str({ pattern: /^[0-9a-fA-F]{40}$/ }),
  }),
});
