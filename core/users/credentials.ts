// Password checks shared by POST /login and the m.login.password UIA stage: identifier
// resolution (client-server-api "Identifier types"), per-account throttling, a dummy hash for
// unknown users so response times don't reveal which accounts exist, and rehashing when the
// scrypt parameters have changed.
import { MatrixError } from '../spec/errors.ts';
import { localpartOf, parseUserId, serverOf, userIdOf, type UserId } from '../spec/ids.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { hashPassword, needsRehash, verifyPassword, type ScryptParams } from './password.ts';
import type { UsersStore } from './store.ts';

export type PasswordCheck = 'ok' | 'wrong' | 'deactivated';

export interface CredentialsDeps {
  store: UsersStore;
  serverName: string;
  throttle: LoginThrottle;
  scrypt: ScryptParams;
}

export class Credentials {
  readonly #deps: CredentialsDeps;
  #dummyHash: Promise<string> | null = null;

  constructor(deps: CredentialsDeps) {
    this.#deps = deps;
  }

  /**
   * The local user an `identifier` (or the deprecated top-level `user`) names, or null when it
   * names a user on another server. 3PID identifiers: we hold no 3PIDs, so "the homeserver does
   * not know about the supplied 3PID" and must answer 403.
   */
  userFrom(identifier: Record<string, unknown> | undefined, user: string | undefined): UserId | null {
    let name: unknown = user;
    if (identifier !== undefined) {
      if (identifier.type === 'm.id.thirdparty' || identifier.type === 'm.id.phone') {
        throw new MatrixError('M_FORBIDDEN', 'Unknown third-party identifier');
      }
      if (identifier.type !== 'm.id.user') throw new MatrixError('M_UNKNOWN', 'Unknown identifier type');
      name = identifier.user;
    }
    if (name === undefined || name === '') throw new MatrixError('M_MISSING_PARAM', 'Missing identifier.user');
    if (typeof name !== 'string') throw new MatrixError('M_BAD_JSON', 'identifier.user must be a string');
    if (!name.startsWith('@')) return userIdOf(name.toLowerCase(), this.#deps.serverName);
    const id = parseUserId(name);
    if (!id || serverOf(id) !== this.#deps.serverName) return null;
    return userIdOf(localpartOf(id).toLowerCase(), this.#deps.serverName);
  }

  /** Throws M_LIMIT_EXCEEDED when the account has failed too often. */
  async checkPassword(userId: UserId | null, password: string): Promise<PasswordCheck> {
    const { store, throttle, scrypt } = this.#deps;
    if (userId === null) {
      await verifyPassword(password, await this.#dummy());
      return 'wrong';
    }
    throttle.check(userId);
    const user = await store.getUser(userId);
    if (user?.deactivated) return 'deactivated';
    const stored = user?.passwordHash ?? (await this.#dummy());
    const ok = (await verifyPassword(password, stored)) && user?.passwordHash != null;
    if (!ok) {
      throttle.failed(userId);
      return 'wrong';
    }
    throttle.succeeded(userId);
    if (needsRehash(stored, scrypt)) await store.setPasswordHash(store.db, user.userId, await hashPassword(password, scrypt));
    return 'ok';
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword('not a password', this.#deps.scrypt);
    return this.#dummyHash;
  }
}
