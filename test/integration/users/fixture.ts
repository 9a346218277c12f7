// Builds the users feature on a fresh PostgreSQL database with a fake clock and cheap scrypt.
import assert from 'node:assert/strict';
import { DEFAULTS, type Config } from '../../../core/config/schema.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import { MatrixError, UiaRequired } from '../../../core/spec/errors.ts';
import type { UsersConfig } from '../../../core/users/context.ts';
import { createUsers, USERS_MIGRATIONS_DIR, type Users } from '../../../core/users/users.ts';
import type { UsersDeps } from '../../../core/users/context.ts';
import { createTempDb, type TempDb } from '../../support/pg-temp.ts';

export const CLIENT = { ip: '10.0.0.1', userAgent: 'test-agent' };
export const PASSWORD = 'correct horse battery';

export interface Fixture {
  users: Users;
  temp: TempDb;
  clock: { now: number };
  config: UsersConfig;
  drop(): Promise<void>;
  /** Registers through the open UIA flow and returns the login response. */
  signUp(username: string, opts?: { password?: string; deviceId?: string; refresh?: boolean }): Promise<{ user_id: string; access_token: string; device_id: string; refresh_token?: string }>;
  requester(accessToken: string): Promise<Requester>;
}

export async function setup(
  overrides: { registration?: Partial<Config['registration']>; auth?: Partial<Config['auth']>; admins?: string[] } = {},
  extra: Partial<UsersDeps> = {},
): Promise<Fixture> {
  const temp = await createTempDb('users', [{ feature: 'users', dir: USERS_MIGRATIONS_DIR }]);
  const clock = { now: 1_700_000_000_000 };
  const config: UsersConfig = {
    serverName: 'test.example',
    registration: { ...DEFAULTS.registration, mode: 'open', ...overrides.registration },
    auth: { ...DEFAULTS.auth, ...overrides.auth },
    admins: overrides.admins ?? [],
    wellKnown: DEFAULTS.wellKnown,
  };
  const users = createUsers({ db: temp.db, config, now: () => clock.now, scrypt: { N: 1024, r: 8, p: 1 }, ...extra });
  const f: Fixture = {
    users,
    temp,
    clock,
    config,
    drop: () => temp.drop(),
    async signUp(username, opts = {}) {
      const input = {
        kind: 'user' as const,
        username,
        password: opts.password ?? PASSWORD,
        deviceId: opts.deviceId,
        inhibitLogin: false,
        refreshToken: opts.refresh ?? false,
      };
      const session = await uiaSession(() => users.registration.register(input, CLIENT));
      const r = await users.registration.register({ ...input, auth: { type: 'm.login.dummy', session } }, CLIENT);
      assert.ok(r.access_token && r.device_id);
      return r as { user_id: string; access_token: string; device_id: string; refresh_token?: string };
    },
    async requester(accessToken) {
      const t = await users.sessions.resolveAccessToken(accessToken);
      assert.ok(t && !('expired' in t), 'token should resolve');
      return { userId: t.userId, deviceId: t.deviceId, tokenId: t.tokenId, appserviceId: null, isGuest: t.isGuest };
    },
  };
  return f;
}

/** Runs a UIA-protected call that must answer with a challenge, and returns the challenge body. */
export async function challenge(fn: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof UiaRequired) return e.body as Record<string, unknown>;
    throw e;
  }
  assert.fail('expected a UIA challenge');
}

export async function uiaSession(fn: () => Promise<unknown>): Promise<string> {
  const body = await challenge(fn);
  assert.equal(typeof body.session, 'string');
  return body.session as string;
}

/** Asserts that fn rejects with a MatrixError of this errcode; returns it. */
export async function rejectsWith(fn: () => Promise<unknown>, errcode: string): Promise<MatrixError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof MatrixError, `expected MatrixError ${errcode}, got ${String(e)}`);
    assert.equal(e.errcode, errcode, e.message);
    return e;
  }
  assert.fail(`expected ${errcode}`);
}

export const passwordAuth = (session: string, user: string, password = PASSWORD) => ({
  type: 'm.login.password',
  identifier: { type: 'm.id.user', user },
  password,
  session,
});
