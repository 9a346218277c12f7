// The pieces every users service shares, built once from the feature's dependencies. core/main.ts
// calls createUsers (users.ts); tests may build services one by one from a context.
import type { Config } from '../config/schema.ts';
import { MatrixError } from '../spec/errors.ts';
import type { UserId } from '../spec/ids.ts';
import type { Db } from '../storage/db.ts';
import type { AuthDict, DeactivationListener, DeviceListener, ProfileChangeListener, ReservedNames } from './api.ts';
import { Credentials } from './credentials.ts';
import { LoginThrottle } from './login-throttle.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from './password.ts';
import { UsersStore } from './store.ts';
import { Uia, type StageCheck } from './uia.ts';

export type UsersConfig = Pick<Config, 'serverName' | 'registration' | 'auth' | 'admins' | 'wellKnown'>;

export interface UsersDeps {
  db: Db;
  config: UsersConfig;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
  /** Tests pass cheap parameters; production uses DEFAULT_SCRYPT. */
  scrypt?: ScryptParams;
  reservedNames?: ReservedNames;
  profileListener?: ProfileChangeListener;
  deviceListener?: DeviceListener;
  deactivationListener?: DeactivationListener;
}

export interface UsersContext {
  store: UsersStore;
  config: UsersConfig;
  now: () => number;
  scrypt: ScryptParams;
  credentials: Credentials;
  uia: Uia;
  reservedNames: ReservedNames | null;
  profileListener: ProfileChangeListener | null;
  deviceListener: DeviceListener | null;
  deactivationListener: DeactivationListener | null;
}

/** Spec "Password management": a longer password is no stronger; this bounds hashing work. */
export const MAX_PASSWORD_LENGTH = 512;

export function createUsersContext(deps: UsersDeps): UsersContext {
  const now = deps.now ?? Date.now;
  const store = new UsersStore(deps.db);
  const scrypt = deps.scrypt ?? DEFAULT_SCRYPT;
  const throttle = new LoginThrottle(now);
  return {
    store,
    config: deps.config,
    now,
    scrypt,
    credentials: new Credentials({ store, serverName: deps.config.serverName, throttle, scrypt }),
    uia: new Uia({ store, sessionLifetimeMs: deps.config.auth.uiaSessionLifetimeMs, now }),
    reservedNames: deps.reservedNames ?? null,
    profileListener: deps.profileListener ?? null,
    deviceListener: deps.deviceListener ?? null,
    deactivationListener: deps.deactivationListener ?? null,
  };
}

/** Spec: "Servers MAY reject weak passwords with an error code M_WEAK_PASSWORD". */
export function checkPasswordPolicy(ctx: UsersContext, password: string): void {
  if (password.length < ctx.config.registration.minPasswordLength) {
    throw new MatrixError('M_WEAK_PASSWORD', `Password must be at least ${ctx.config.registration.minPasswordLength} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new MatrixError('M_INVALID_PARAM', `Password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

/** The m.login.password UIA stage for operations on the requester's own account. */
export function passwordStage(ctx: UsersContext, userId: UserId): StageCheck {
  return async (auth: AuthDict) => {
    const identifier = typeof auth.identifier === 'object' && auth.identifier !== null ? (auth.identifier as Record<string, unknown>) : undefined;
    const user = typeof auth.user === 'string' ? auth.user : undefined;
    const named = identifier === undefined && user === undefined ? userId : ctx.credentials.userFrom(identifier, user);
    if (typeof auth.password !== 'string') throw new MatrixError('M_MISSING_PARAM', 'Missing auth.password');
    if (named !== userId) return { ok: false, errcode: 'M_FORBIDDEN', error: 'Authenticate as the user making the request' };
    const result = await ctx.credentials.checkPassword(userId, auth.password);
    return result === 'ok' ? { ok: true } : { ok: false, errcode: 'M_FORBIDDEN', error: 'Invalid password' };
  };
}
