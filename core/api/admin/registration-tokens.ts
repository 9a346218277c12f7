// Registration-token admin API handlers (server admins only: auth kind 'admin').
import { route, type Route } from '../../http/route.ts';
import {
  createRegistrationToken,
  deleteRegistrationToken,
  getRegistrationToken,
  listRegistrationTokens,
} from '../../spec/endpoints/admin-registration-tokens.ts';
import type { RegistrationTokensApi } from '../../users/registration-tokens.ts';

export function registrationTokenRoutes(deps: { tokens: RegistrationTokensApi }): Route[] {
  const { tokens } = deps;
  return [
    route(listRegistrationTokens, async () => ({ registration_tokens: await tokens.list() })),
    route(createRegistrationToken, async ({ body }) => tokens.create(body)),
    route(getRegistrationToken, async ({ params }) => tokens.get(params.token)),
    route(deleteRegistrationToken, async ({ params }) => {
      await tokens.delete(params.token);
      return {};
    }),
  ];
}
