// The puppet registry: users created by appservices (ghosts and bots). Every user registered with
// an as_token is recorded by the users feature with its owner (users.appservice_id) and creation
// time; this module lists and searches them, and registers each appservice's sender when the
// appservice is loaded so the bot exists before it first acts.
import type { UserId } from '../../core/spec/ids.ts';
import type { AppserviceUser, UsersForAppservices } from '../../core/users/api.ts';

/** Admin API page size bounds. */
export const DEFAULT_PUPPET_PAGE = 100;
export const MAX_PUPPET_PAGE = 1000;

export interface PuppetPage {
  puppets: AppserviceUser[];
  /** Pass as `from` for the next page; absent on the last one. */
  nextBatch?: string;
}

export class PuppetRegistry {
  readonly #users: UsersForAppservices;
  constructor(deps: { users: UsersForAppservices }) {
    this.#users = deps.users;
  }

  /** Registers the appservice's sender unless it exists; true when created now. */
  ensureSender(appserviceId: string, senderUserId: UserId): Promise<boolean> {
    return this.#users.ensureAppserviceUser(senderUserId, appserviceId);
  }

  /** The appservice's users whose ids start with `prefix` (e.g. "@_discord_12"), after `from`. */
  async list(appserviceId: string, opts: { prefix?: string; from?: string; limit?: number } = {}): Promise<PuppetPage> {
    const limit = Math.min(Math.max(opts.limit ?? DEFAULT_PUPPET_PAGE, 1), MAX_PUPPET_PAGE);
    // One extra row tells whether there is a next page.
    const rows = await this.#users.listAppserviceUsers(appserviceId, { prefix: opts.prefix, from: opts.from, limit: limit + 1 });
    const puppets = rows.slice(0, limit);
    return rows.length > limit ? { puppets, nextBatch: puppets[puppets.length - 1]!.userId } : { puppets };
  }
}
