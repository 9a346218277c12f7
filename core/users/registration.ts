// Account registration (client-server-api "Account registration", POST /register,
// "Token-authenticated registration"). Modes from config.registration.mode: open (UIA with
// m.login.dummy), token (m.login.registration_token), disabled (403). Guest accounts are not
// offered: kind=guest gets M_GUEST_ACCESS_FORBIDDEN. Name checks run before UIA, as the spec
// requires, and again at the insert (a name can be taken while a client authenticates).
import { MatrixError } from '../spec/errors.ts';
import { isValidLocalpart, MAX_ID_BYTES, userIdOf, type UserId } from '../spec/ids.ts';
import type { Queryable } from '../storage/db.ts';
import type { AppserviceRegisterInput, ClientInfo, RegisterInput, RegisterResponse, RegistrationApi } from './api.ts';
import { checkPasswordPolicy, type UsersContext } from './context.ts';
import { hashPassword } from './password.ts';
import type { SessionsService } from './sessions.ts';
import { newLocalpart } from './tokens.ts';
import { STAGE_DUMMY, STAGE_REGISTRATION_TOKEN, type Flow, type StageCheck } from './uia.ts';

/** Spec: registration tokens use the opaque identifier grammar, at most 64 characters. */
export const MAX_REGISTRATION_TOKEN_LENGTH = 64;
const GENERATED_LOCALPART_ATTEMPTS = 5;

export class RegistrationService implements RegistrationApi {
  readonly #ctx: UsersContext;
  readonly #sessions: SessionsService;

  constructor(ctx: UsersContext, sessions: SessionsService) {
    this.#ctx = ctx;
    this.#sessions = sessions;
  }

  /**
   * The user id a requested username maps to: lower-cased (the spec lets servers map names "in a
   * logical manner"), then checked against the localpart grammar, the id length limit, the
   * configured reserved names, existing accounts and appservice namespaces.
   */
  async #claimable(username: string, opts: { reserved: boolean }): Promise<UserId> {
    const localpart = username.toLowerCase();
    const userId = userIdOf(localpart, this.#ctx.config.serverName);
    if (!isValidLocalpart(localpart) || Buffer.byteLength(userId) > MAX_ID_BYTES) {
      throw new MatrixError('M_INVALID_USERNAME', 'User ID can only contain characters a-z, 0-9, or =_-./+');
    }
    if (opts.reserved && this.#ctx.config.registration.reservedLocalparts.includes(localpart)) {
      throw new MatrixError('M_USER_IN_USE', 'This user ID is reserved');
    }
    if (await this.#ctx.store.getUser(userId)) throw new MatrixError('M_USER_IN_USE', 'Desired user ID is already taken');
    if (opts.reserved && (await this.#ctx.reservedNames?.isExclusive(userId))) {
      throw new MatrixError('M_EXCLUSIVE', 'This user ID is reserved by an application service');
    }
    return userId;
  }

  async checkUsernameAvailable(username: string): Promise<void> {
    await this.#claimable(username, { reserved: true });
  }

  async isRegistrationTokenValid(token: string): Promise<boolean> {
    return token.length <= MAX_REGISTRATION_TOKEN_LENGTH && this.#ctx.store.isRegistrationTokenValid(token, this.#ctx.now());
  }

  /** For tests: a token for token-gated registration (the admin API is RegistrationTokensService). */
  async createRegistrationToken(token: string, usesAllowed: number | null, expiryTime: number | null): Promise<void> {
    await this.#ctx.store.createRegistrationToken(token, usesAllowed, expiryTime);
  }

  #flows(): { flows: Flow[]; stages: Record<string, StageCheck> } {
    const { store, now } = this.#ctx;
    if (this.#ctx.config.registration.mode === 'token') {
      const tokenStage: StageCheck = async (auth) => {
        const token = auth.token;
        const ok = typeof token === 'string' && token.length <= MAX_REGISTRATION_TOKEN_LENGTH && (await store.reserveRegistrationToken(token, now()));
        return ok ? { ok: true, data: { registration_token: token } } : { ok: false, errcode: 'M_UNAUTHORIZED', error: 'Invalid registration token' };
      };
      return { flows: [[STAGE_REGISTRATION_TOKEN]], stages: { [STAGE_REGISTRATION_TOKEN]: tokenStage } };
    }
    return { flows: [[STAGE_DUMMY]], stages: { [STAGE_DUMMY]: async () => ({ ok: true }) } };
  }

  async register(input: RegisterInput, _client: ClientInfo): Promise<RegisterResponse> {
    const { config, store, uia } = this.#ctx;
    if (config.registration.mode === 'disabled') throw new MatrixError('M_FORBIDDEN', 'Registration is disabled');
    if (input.kind === 'guest') throw new MatrixError('M_GUEST_ACCESS_FORBIDDEN', 'Guest access is disabled');
    if (input.username !== undefined) await this.#claimable(input.username, { reserved: true });
    if (input.password !== undefined) checkPasswordPolicy(this.#ctx, input.password);

    const { flows, stages } = this.#flows();
    const session = await uia.authenticate({ operation: 'register', userId: null, flows, params: null, auth: input.auth, stages });

    if (input.password === undefined) throw new MatrixError('M_MISSING_PARAM', 'Missing password');
    const passwordHash = await hashPassword(input.password, this.#ctx.scrypt);
    const token = typeof session.data.registration_token === 'string' ? session.data.registration_token : null;

    const result = await store.db.tx(async (q) => {
      const userId = await createAccount(this.#ctx, q, { username: input.username, passwordHash, isAdmin: false });
      if (token !== null) await store.completeRegistrationToken(q, token);
      await uia.finish(q, session.sessionId);
      if (input.inhibitLogin) return { user_id: userId, home_server: config.serverName };
      const issued = await this.#sessions.issue(q, {
        userId,
        deviceId: input.deviceId,
        initialDisplayName: input.initialDeviceDisplayName,
        refresh: input.refreshToken,
      });
      return { user_id: userId, home_server: config.serverName, ...issued };
    });
    return result;
  }

  /**
   * application-service-api "Server admin style permissions": no UIA, no password, whatever the
   * registration mode. The name is not lower-cased (the appservice will address the user by
   * exactly this id, so an upper-case name is M_INVALID_USERNAME) and must be the appservice's: its sender or in its users
   * namespaces, and not claimed exclusively by another appservice (M_EXCLUSIVE otherwise).
   */
  async registerAppserviceUser(appserviceId: string, input: AppserviceRegisterInput, _client: ClientInfo): Promise<RegisterResponse> {
    const { config, store, reservedNames } = this.#ctx;
    if (input.username === undefined) throw new MatrixError('M_MISSING_PARAM', 'Missing username');
    const userId = userIdOf(input.username, config.serverName);
    if (!isValidLocalpart(input.username) || Buffer.byteLength(userId) > MAX_ID_BYTES) {
      throw new MatrixError('M_INVALID_USERNAME', 'User ID can only contain characters a-z, 0-9, or =_-./+');
    }
    if (!(await reservedNames?.appserviceMayUse?.(appserviceId, userId))) {
      throw new MatrixError('M_EXCLUSIVE', 'This user ID is not in the namespace of this application service');
    }
    return store.db.tx(async (q) => {
      await createAccount(this.#ctx, q, { username: input.username, passwordHash: null, isAdmin: false, appserviceId });
      if (input.inhibitLogin) return { user_id: userId, home_server: config.serverName };
      const issued = await this.#sessions.issue(q, {
        userId,
        deviceId: input.deviceId,
        initialDisplayName: input.initialDeviceDisplayName,
        refresh: input.refreshToken,
      });
      return { user_id: userId, home_server: config.serverName, ...issued };
    });
  }
}

/**
 * Inserts the account and its display name (by default the localpart, as Synapse does). With no
 * username a random localpart is drawn, retrying on the rare collision.
 */
export async function createAccount(
  ctx: UsersContext,
  q: Queryable,
  a: { username: string | undefined; passwordHash: string | null; isAdmin: boolean; displayName?: string; appserviceId?: string },
): Promise<UserId> {
  const { username, passwordHash, isAdmin, appserviceId } = a;
  for (let attempt = 0; attempt < GENERATED_LOCALPART_ATTEMPTS; attempt++) {
    const localpart = username?.toLowerCase() ?? newLocalpart();
    const userId = userIdOf(localpart, ctx.config.serverName);
    if (await ctx.store.createUser(q, { userId, localpart, passwordHash, isAdmin, now: ctx.now(), appserviceId })) {
      await ctx.store.setProfileField(q, userId, 'displayname', a.displayName ?? localpart);
      return userId;
    }
    if (username !== undefined) break;
  }
  throw new MatrixError('M_USER_IN_USE', 'Desired user ID is already taken');
}
