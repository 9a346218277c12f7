// Users that appservices register: every one carries users.appservice_id, so the puppet
// registry can list an appservice's ghosts with their creation time and profile. The sender
// of a newly loaded appservice is registered here too, as Dendrite and Conduit do, so the bot
// can join rooms and set its profile before it ever calls /register.
import { localpartOf, type UserId } from '../spec/ids.ts';
import type { AppserviceUser, UsersForAppservices } from './api.ts';
import type { UsersContext } from './context.ts';

export class AppserviceUsersService implements UsersForAppservices {
  readonly #ctx: UsersContext;
  constructor(ctx: UsersContext) {
    this.#ctx = ctx;
  }

  async ensureAppserviceUser(userId: UserId, appserviceId: string): Promise<boolean> {
    const { store, now } = this.#ctx;
    const localpart = localpartOf(userId);
    return store.db.tx(async (q) => {
      const created = await store.createUser(q, { userId, localpart, passwordHash: null, isAdmin: false, now: now(), appserviceId });
      if (created) await store.setProfileField(q, userId, 'displayname', localpart);
      return created;
    });
  }

  async listAppserviceUsers(appserviceId: string, opts: { prefix?: string; from?: string; limit: number }): Promise<AppserviceUser[]> {
    return this.#ctx.store.listAppserviceUsers(appserviceId, opts.prefix ?? '', opts.from ?? '', opts.limit);
  }
}
