// Password change and account deactivation (client-server-api "Password management", "Account
// deactivation"), both behind the m.login.password UIA stage. Deactivation deletes every device
// and token, clears the password (so the account can never log in again) and, with erase, the
// profile; leaving rooms is done by the DeactivationListener once rooms exist.
import type { Requester } from '../spec/endpoint.ts';
import type { AccountApi, AuthDict } from './api.ts';
import { checkPasswordPolicy, passwordStage, type UsersContext } from './context.ts';
import { hashPassword } from './password.ts';
import { STAGE_PASSWORD } from './uia.ts';

const PASSWORD_FLOWS = [[STAGE_PASSWORD]] as const;

export class AccountService implements AccountApi {
  readonly #ctx: UsersContext;
  constructor(ctx: UsersContext) {
    this.#ctx = ctx;
  }

  async changePassword(requester: Requester, input: { newPassword: string; logoutDevices: boolean; auth?: AuthDict }): Promise<void> {
    const { store, uia, deviceListener } = this.#ctx;
    checkPasswordPolicy(this.#ctx, input.newPassword);
    const session = await uia.authenticate({
      operation: 'change_password',
      userId: requester.userId,
      flows: PASSWORD_FLOWS,
      params: null,
      auth: input.auth,
      stages: { [STAGE_PASSWORD]: passwordStage(this.#ctx, requester.userId) },
    });
    const hash = await hashPassword(input.newPassword, this.#ctx.scrypt);
    const deleted = await store.db.tx(async (q) => {
      await store.setPasswordHash(q, requester.userId, hash);
      await uia.finish(q, session.sessionId);
      // Spec: logout_devices revokes "the user's other access tokens, and their associated devices".
      return input.logoutDevices ? store.deleteAllDevices(q, requester.userId, requester.deviceId) : [];
    });
    if (deleted.length > 0) await deviceListener?.onDevicesDeleted(requester.userId, deleted);
  }

  async deactivate(requester: Requester, input: { erase: boolean; auth?: AuthDict }): Promise<{ id_server_unbind_result: 'success' }> {
    const { store, uia, deviceListener, deactivationListener } = this.#ctx;
    const session = await uia.authenticate({
      operation: 'deactivate',
      userId: requester.userId,
      flows: PASSWORD_FLOWS,
      params: { erase: input.erase },
      auth: input.auth,
      stages: { [STAGE_PASSWORD]: passwordStage(this.#ctx, requester.userId) },
    });
    const deleted = await store.db.tx(async (q) => {
      const ids = await store.deleteAllDevices(q, requester.userId, null);
      await store.deleteAllAccessTokens(q, requester.userId);
      await store.markDeactivated(q, requester.userId);
      if (input.erase) await store.deleteProfile(q, requester.userId);
      await uia.finish(q, session.sessionId);
      return ids;
    });
    if (deleted.length > 0) await deviceListener?.onDevicesDeleted(requester.userId, deleted);
    await deactivationListener?.onDeactivated(requester.userId, input.erase);
    // No 3PIDs are ever bound through this server, so there is nothing to unbind.
    return { id_server_unbind_result: 'success' };
  }
}
