// Synapse-compatible shared-secret registration (GET/POST /_synapse/admin/v1/register).
import { route, type Route } from '../../http/route.ts';
import { getSharedSecretRegisterNonce, sharedSecretRegister } from '../../spec/endpoints/admin-register.ts';
import type { SharedSecretRegistrationApi } from '../../users/api.ts';

export function synapseRegisterRoutes(deps: { sharedSecret: SharedSecretRegistrationApi }): Route[] {
  const { sharedSecret } = deps;
  return [
    route(getSharedSecretRegisterNonce, async () => ({ nonce: await sharedSecret.newNonce() })),
    route(sharedSecretRegister, async ({ body }) =>
      sharedSecret.register({
        nonce: body.nonce,
        username: body.username,
        password: body.password,
        admin: body.admin,
        displayname: body.displayname,
        userType: body.user_type,
        mac: body.mac,
      }),
    ),
  ];
}
