// Handlers for whoami, password change and deactivation (client-server-api "Account management").
import { route, type Route } from '../../http/route.ts';
import { changePassword, deactivateAccount, whoami } from '../../spec/endpoints/account.ts';
import type { AccountApi } from '../../users/api.ts';

export function accountRoutes(deps: { account: AccountApi }): Route[] {
  const { account } = deps;
  return [
    // whoami.yaml: device_id is absent for appservice users acting without a device.
    route(whoami, async ({ requester }) => ({
      user_id: requester.userId,
      ...(requester.deviceId !== null ? { device_id: requester.deviceId } : {}),
      is_guest: requester.isGuest,
    })),
    route(changePassword, async ({ requester, body }) => {
      await account.changePassword(requester, { newPassword: body.new_password, logoutDevices: body.logout_devices, auth: body.auth });
      return {};
    }),
    route(deactivateAccount, async ({ requester, body }) => account.deactivate(requester, { erase: body.erase, auth: body.auth })),
  ];
}
