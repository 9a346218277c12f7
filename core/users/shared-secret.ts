// Synapse-compatible shared-secret registration (Synapse docs, admin_api/register_api): GET
// /_synapse/admin/v1/register hands out a nonce; POST creates the user when
// mac = hex(HMAC-SHA1(shared_secret, nonce \0 username \0 password \0 admin|notadmin [\0 user_type])).
// Nonces live in PostgreSQL (any hub process may receive the POST), are single use and expire
// after NONCE_LIFETIME_MS. Disabled when config.registration.sharedSecret is null.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MatrixError } from '../spec/errors.ts';
import type { LoginResponse, SharedSecretRegistrationApi } from './api.ts';
import { MAX_PASSWORD_LENGTH, type UsersContext } from './context.ts';
import { hashPassword } from './password.ts';
import { createAccount } from './registration.ts';
import type { SessionsService } from './sessions.ts';
import { newOpaqueId } from './tokens.ts';
import { isValidLocalpart } from '../spec/ids.ts';

/** Synapse keeps nonces for 60 seconds. */
export const NONCE_LIFETIME_MS = 60_000;

export function sharedSecretMac(secret: string, f: { nonce: string; username: string; password: string; admin: boolean; userType?: string }): string {
  const h = createHmac('sha1', Buffer.from(secret, 'utf8'));
  h.update(f.nonce).update('\0').update(f.username).update('\0').update(f.password).update('\0');
  h.update(f.admin ? 'admin' : 'notadmin');
  if (f.userType !== undefined) h.update('\0').update(f.userType);
  return h.digest('hex');
}

export function macMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export class SharedSecretRegistration implements SharedSecretRegistrationApi {
  readonly #ctx: UsersContext;
  readonly #sessions: SessionsService;
  constructor(ctx: UsersContext, sessions: SessionsService) {
    this.#ctx = ctx;
    this.#sessions = sessions;
  }

  #secret(): string {
    const secret = this.#ctx.config.registration.sharedSecret;
    if (secret === null) throw new MatrixError('M_UNKNOWN', 'Shared secret registration is not enabled');
    return secret;
  }

  async newNonce(): Promise<string> {
    this.#secret();
    const nonce = newOpaqueId();
    const t = this.#ctx.now();
    await this.#ctx.store.createNonce(nonce, t, t - NONCE_LIFETIME_MS);
    return nonce;
  }

  async register(input: Parameters<SharedSecretRegistrationApi['register']>[0]): Promise<LoginResponse> {
    const secret = this.#secret();
    const { store, config, now } = this.#ctx;
    if (!(await store.takeNonce(input.nonce, now() - NONCE_LIFETIME_MS))) throw new MatrixError('M_UNKNOWN', 'unrecognised nonce');
    if (!macMatches(sharedSecretMac(secret, input), input.mac)) throw new MatrixError('M_FORBIDDEN', 'HMAC incorrect');
    if (!isValidLocalpart(input.username.toLowerCase())) throw new MatrixError('M_INVALID_USERNAME', 'Invalid username');
    if (input.password.length > MAX_PASSWORD_LENGTH) throw new MatrixError('M_INVALID_PARAM', 'Password is too long');
    const passwordHash = await hashPassword(input.password, this.#ctx.scrypt);
    return store.db.tx(async (q) => {
      const userId = await createAccount(this.#ctx, q, {
        username: input.username,
        passwordHash,
        isAdmin: input.admin,
        displayName: input.displayname ?? input.username,
      });
      const issued = await this.#sessions.issue(q, { userId, refresh: false });
      return { user_id: userId, home_server: config.serverName, ...issued };
    });
  }
}
