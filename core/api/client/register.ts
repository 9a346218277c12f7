// Handlers for registration (client-server-api "Account registration").
import { route, type Route } from '../../http/route.ts';
import { checkRegistrationTokenValidity, checkUsernameAvailability, register } from '../../spec/endpoints/register.ts';
import type { RegistrationApi } from '../../users/api.ts';

export function registerRoutes(deps: { registration: RegistrationApi }): Route[] {
  const { registration } = deps;
  return [
    route(register, async ({ body, query, ip, userAgent }) =>
      registration.register(
        {
          kind: query.kind,
          auth: body.auth,
          username: body.username,
          password: body.password,
          deviceId: body.device_id,
          initialDeviceDisplayName: body.initial_device_display_name,
          inhibitLogin: body.inhibit_login,
          refreshToken: body.refresh_token,
        },
        { ip, userAgent },
      ),
    ),
    route(checkUsernameAvailability, async ({ query }) => {
      await registration.checkUsernameAvailable(query.username);
      return { available: true };
    }),
    route(checkRegistrationTokenValidity, async ({ query }) => ({
      valid: await registration.isRegistrationTokenValid(query.token),
    })),
  ];
}
