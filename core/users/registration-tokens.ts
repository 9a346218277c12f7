// Registration tokens for token-gated registration, managed through Synapse's admin API shape
// (Synapse docs: admin_api/registration_tokens) so existing admin tools work unchanged.
import { randomInt } from 'node:crypto';
import { MatrixError } from '../spec/errors.ts';
import type { UsersContext } from './context.ts';
import { MAX_REGISTRATION_TOKEN_LENGTH } from './registration.ts';
import type { RegistrationTokenRow } from './store.ts';

/** Synapse: tokens are 1–64 characters of [A-Za-z0-9._~-]. */
export const REGISTRATION_TOKEN_RE = /^[A-Za-z0-9._~-]{1,64}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-';

export interface NewRegistrationToken {
  token?: string;
  length?: number;
  uses_allowed?: number | null;
  expiry_time?: number | null;
}

export interface RegistrationTokensApi {
  create(input: NewRegistrationToken): Promise<RegistrationTokenRow>;
  list(): Promise<RegistrationTokenRow[]>;
  get(token: string): Promise<RegistrationTokenRow>;
  delete(token: string): Promise<void>;
}

export class RegistrationTokensService implements RegistrationTokensApi {
  readonly #ctx: UsersContext;
  constructor(ctx: UsersContext) {
    this.#ctx = ctx;
  }

  async create(input: NewRegistrationToken): Promise<RegistrationTokenRow> {
    const length = input.length ?? 16;
    if (length < 1 || length > MAX_REGISTRATION_TOKEN_LENGTH) throw new MatrixError('M_INVALID_PARAM', 'length must be 1–64');
    const token = input.token ?? Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    if (!REGISTRATION_TOKEN_RE.test(token)) throw new MatrixError('M_INVALID_PARAM', 'token must be 1–64 characters of A-Z a-z 0-9 . _ ~ -');
    if (input.expiry_time != null && input.expiry_time <= this.#ctx.now())
      throw new MatrixError('M_INVALID_PARAM', 'expiry_time must be in the future');
    const usesAllowed = input.uses_allowed ?? null;
    if (!(await this.#ctx.store.createRegistrationToken(token, usesAllowed, input.expiry_time ?? null)))
      throw new MatrixError('M_INVALID_PARAM', 'Token already exists');
    return { token, uses_allowed: usesAllowed, pending: 0, completed: 0, expiry_time: input.expiry_time ?? null };
  }

  list(): Promise<RegistrationTokenRow[]> {
    return this.#ctx.store.listRegistrationTokens();
  }

  async get(token: string): Promise<RegistrationTokenRow> {
    const row = await this.#ctx.store.getRegistrationToken(token);
    if (!row) throw new MatrixError('M_NOT_FOUND', 'No such registration token');
    return row;
  }

  async delete(token: string): Promise<void> {
    if (!(await this.#ctx.store.deleteRegistrationToken(token))) throw new MatrixError('M_NOT_FOUND', 'No such registration token');
  }
}
