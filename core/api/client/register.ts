// Handlers for registration (client-server-api "Account registration").
import { requireAppservice } from '../../http/auth.ts';
import { route, type Route } from '../../http/route.ts';
import { checkRegistrationTokenValidity, checkUsernameAvailability, LOGIN_TYPE_APPSERVICE, register } from '../../spec/endpoints/register.ts';
import type { RegistrationApi } from '../../users/api.ts';

export function registerRoutes(deps: { registration: RegistrationApi }): Route[] {
  const { registration } = deps;
  return [
    route(register, async ({ requester, body, query, ip, userAgent }) => {
      if (body.type === LOGIN_TYPE_APPSERVICE) {
        const appserviceId = requireAppservice(requester);
        return registration.registerAppserviceUser(
          appserviceId,
          {
            username: body.username,
            deviceId: body.device_id,
            initialDeviceDisplayName: body.initial_device_display_name,
            inhibitLogin: body.inhibit_login,
            refreshToken: body.refresh_token,
          },
          { ip, userAgent },
        );
      }
      return registration.register(
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
      );
    }),
    route(checkUsernameAvailability, async ({ query }) => {
      await registration.checkUsernameAvailable(query.username);
      return { available: true };
    }),
    route(checkRegistrationTokenValidity, async ({ query }) => ({
      valid: await registration.isRegistrationTokenValid(query.token),
    })),
  ];
}
