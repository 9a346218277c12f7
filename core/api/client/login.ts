// Handlers for login, token refresh and logout (client-server-api "Login", "Logout").
import { requireAppservice } from '../../http/auth.ts';
import { route, type Route } from '../../http/route.ts';
import { LOGIN_TYPE_APPSERVICE } from '../../spec/endpoints/register.ts';
import { getLoginTypes, login, logout, logoutAll, refreshToken } from '../../spec/endpoints/login.ts';
import type { SessionsApi } from '../../users/api.ts';

export function loginRoutes(deps: { sessions: SessionsApi }): Route[] {
  const { sessions } = deps;
  return [
    route(getLoginTypes, async () => sessions.loginFlows()),
    route(login, async ({ requester, body, ip, userAgent }) =>
      sessions.login(
        {
          type: body.type,
          identifier: body.identifier,
          user: body.user,
          password: body.password,
          deviceId: body.device_id,
          initialDeviceDisplayName: body.initial_device_display_name,
          refreshToken: body.refresh_token,
          ...(body.type === LOGIN_TYPE_APPSERVICE ? { appserviceId: requireAppservice(requester) } : {}),
        },
        { ip, userAgent },
      ),
    ),
    route(refreshToken, async ({ body }) => sessions.refresh(body.refresh_token)),
    route(logout, async ({ requester }) => {
      await sessions.logout(requester);
      return {};
    }),
    route(logoutAll, async ({ requester }) => {
      await sessions.logoutAll(requester);
      return {};
    }),
  ];
}
