// Login, token refresh, logout and access-token resolution (client-server-api "Login",
// "Refreshing access tokens", "Logout", "Soft logout"). State: access and refresh tokens in
// PostgreSQL, stored as sha256 hashes. Token rotation: see migrations/001-accounts.sql; the
// first use of a new access token retires the refresh token it replaced.
import type { Requester } from '../spec/endpoint.ts';
import { MatrixError } from '../spec/errors.ts';
import type { UserId } from '../spec/ids.ts';
import type { Queryable } from '../storage/db.ts';
import type { ClientInfo, LoginInput, LoginResponse, RefreshResponse, SessionsApi, TokenLookup, UsersForAuth } from './api.ts';
import type { UsersContext } from './context.ts';
import { hashToken, newAccessToken, newDeviceId, newRefreshToken } from './tokens.ts';

export const LOGIN_TYPE_PASSWORD = 'm.login.password';
/** application-service-api "Server admin style permissions": appservices log in as their users with the as_token. */
export const LOGIN_TYPE_APPSERVICE = 'm.login.application_service';
/** Device last-seen data "may be a few minutes out of date, for efficiency reasons" (client_device.yaml). */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface IssueRequest {
  userId: UserId;
  deviceId?: string;
  initialDisplayName?: string;
  refresh: boolean;
}

export interface IssuedSession {
  access_token: string;
  device_id: string;
  refresh_token?: string;
  expires_in_ms?: number;
}

export class SessionsService implements SessionsApi, UsersForAuth {
  readonly #ctx: UsersContext;
  constructor(ctx: UsersContext) {
    this.#ctx = ctx;
  }

  loginFlows(): { flows: { type: string }[] } {
    // The appservice login type is offered once appservices are wired in (the seam is set).
    const appservices = this.#ctx.reservedNames?.appserviceMayUse !== undefined;
    return { flows: [{ type: LOGIN_TYPE_PASSWORD }, ...(appservices ? [{ type: LOGIN_TYPE_APPSERVICE }] : [])] };
  }

  async login(input: LoginInput, _client: ClientInfo): Promise<LoginResponse> {
    const { store, config } = this.#ctx;
    let userId: UserId;
    if (input.type === LOGIN_TYPE_PASSWORD) userId = await this.#checkPassword(input);
    else if (input.type === LOGIN_TYPE_APPSERVICE && input.appserviceId !== undefined) userId = await this.#checkAppservice(input, input.appserviceId);
    else throw new MatrixError('M_UNKNOWN', `Unsupported login type ${input.type}`);
    const issued = await store.db.tx((q) =>
      this.issue(q, { userId, deviceId: input.deviceId, initialDisplayName: input.initialDeviceDisplayName, refresh: input.refreshToken }),
    );
    return {
      user_id: userId,
      ...issued,
      home_server: config.serverName,
      ...(config.wellKnown.client ? { well_known: config.wellKnown.client } : {}),
    };
  }

  async #checkPassword(input: LoginInput): Promise<UserId> {
    const { credentials } = this.#ctx;
    if (input.password === undefined) throw new MatrixError('M_MISSING_PARAM', 'Missing password');
    const userId = credentials.userFrom(input.identifier, input.user);
    const check = await credentials.checkPassword(userId, input.password);
    if (check === 'deactivated') throw new MatrixError('M_USER_DEACTIVATED', 'This account has been deactivated');
    if (check !== 'ok' || userId === null) throw new MatrixError('M_FORBIDDEN', 'Invalid username or password');
    return userId;
  }

  /** Spec: logging in as a user outside the appservice's namespaces is M_EXCLUSIVE. */
  async #checkAppservice(input: LoginInput, appserviceId: string): Promise<UserId> {
    const { credentials, store, reservedNames } = this.#ctx;
    const userId = credentials.userFrom(input.identifier, input.user);
    if (userId === null) throw new MatrixError('M_FORBIDDEN', 'Not a local user');
    if (!(await reservedNames?.appserviceMayUse?.(appserviceId, userId))) {
      throw new MatrixError('M_EXCLUSIVE', 'This user ID is not in the namespace of this application service');
    }
    const user = await store.getUser(userId);
    if (!user) throw new MatrixError('M_FORBIDDEN', 'Application service has not registered this user');
    if (user.deactivated) throw new MatrixError('M_USER_DEACTIVATED', 'This account has been deactivated');
    return userId;
  }

  /**
   * Creates the device if needed and an access token (plus refresh token) for it. Spec
   * "Relationship between access tokens and devices": a reused device id loses its old tokens.
   */
  async issue(q: Queryable, req: IssueRequest): Promise<IssuedSession> {
    const { store, now } = this.#ctx;
    const t = now();
    const deviceId = req.deviceId ?? newDeviceId();
    const created = await store.ensureDevice(q, req.userId, deviceId, req.initialDisplayName ?? null, t);
    if (!created) await store.deleteDeviceTokens(q, req.userId, deviceId);
    const accessToken = newAccessToken();
    if (!req.refresh) {
      await store.insertAccessToken(q, { hash: hashToken(accessToken), userId: req.userId, deviceId, now: t, validUntilTs: null, refreshTokenId: null });
      return { access_token: accessToken, device_id: deviceId };
    }
    const tokens = await this.#issuePair(q, req.userId, deviceId, t);
    return { ...tokens, device_id: deviceId };
  }

  async #issuePair(q: Queryable, userId: UserId, deviceId: string, t: number): Promise<RefreshResponse & { refreshId: string }> {
    const { store, config } = this.#ctx;
    const refreshToken = newRefreshToken();
    const lifetime = config.auth.accessTokenLifetimeMs;
    const refreshLifetime = config.auth.refreshTokenLifetimeMs;
    const refreshId = await store.insertRefreshToken(q, hashToken(refreshToken), userId, deviceId, t, refreshLifetime === null ? null : t + refreshLifetime);
    const accessToken = newAccessToken();
    await store.insertAccessToken(q, { hash: hashToken(accessToken), userId, deviceId, now: t, validUntilTs: t + lifetime, refreshTokenId: refreshId });
    return { access_token: accessToken, refresh_token: refreshToken, expires_in_ms: lifetime, refreshId };
  }

  async refresh(refreshToken: string): Promise<RefreshResponse> {
    const { store, now } = this.#ctx;
    return store.db.tx(async (q) => {
      const row = await store.lockRefreshToken(q, hashToken(refreshToken));
      if (!row) throw new MatrixError('M_UNKNOWN_TOKEN', 'Unknown refresh token');
      const t = now();
      if (row.expiresTs !== null && row.expiresTs <= t) {
        throw new MatrixError('M_UNKNOWN_TOKEN', 'Refresh token expired', { extra: { soft_logout: true } });
      }
      // Using this token proves the client got it: its predecessor can go.
      await store.retirePredecessor(q, row.id);
      const { refreshId, ...tokens } = await this.#issuePair(q, row.userId, row.deviceId, t);
      await store.setNextRefreshToken(q, row.id, row.nextId, refreshId);
      return tokens;
    });
  }

  async resolveAccessToken(token: string, client?: ClientInfo): Promise<TokenLookup> {
    const { store, now } = this.#ctx;
    const hash = hashToken(token);
    const row = await store.lookupAccessToken(hash);
    if (!row) return null;
    const t = now();
    if (row.validUntilTs !== null && row.validUntilTs <= t) return { expired: true };
    if (!row.used) {
      await store.markAccessTokenUsed(row.id, row.refreshTokenId);
      store.tokenCache.update(hash.toString('base64'), { used: true });
    }
    if (client && row.deviceId !== null && (row.lastSeenTs === null || t - row.lastSeenTs >= LAST_SEEN_RESOLUTION_MS)) {
      await store.touchDevice(row.userId, row.deviceId, client.ip, client.userAgent, t);
      store.tokenCache.update(hash.toString('base64'), { lastSeenTs: t });
    }
    return { userId: row.userId, deviceId: row.deviceId, tokenId: row.id, isGuest: row.isGuest };
  }

  async userExists(userId: UserId): Promise<boolean> {
    return this.#ctx.store.userExists(userId);
  }

  async deviceExists(userId: UserId, deviceId: string): Promise<boolean> {
    return this.#ctx.store.deviceExists(userId, deviceId);
  }

  async isAdmin(userId: UserId): Promise<boolean> {
    const user = await this.#ctx.store.getUser(userId);
    if (!user || user.deactivated) return false;
    return user.isAdmin || this.#ctx.config.admins.includes(userId);
  }

  /** Spec: "The device associated with the access token is also deleted." */
  async logout(requester: Requester): Promise<void> {
    const { store, deviceListener } = this.#ctx;
    if (requester.deviceId === null) {
      if (requester.tokenId !== null) await store.deleteAccessToken(requester.tokenId);
      return;
    }
    const deleted = await store.db.tx((q) => store.deleteDevices(q, requester.userId, [requester.deviceId!]));
    if (deleted.length > 0) await deviceListener?.onDevicesDeleted(requester.userId, deleted);
  }

  async logoutAll(requester: Requester): Promise<void> {
    const { store, deviceListener } = this.#ctx;
    const deleted = await store.db.tx(async (q) => {
      const ids = await store.deleteAllDevices(q, requester.userId, null);
      await store.deleteAllAccessTokens(q, requester.userId);
      return ids;
    });
    if (deleted.length > 0) await deviceListener?.onDevicesDeleted(requester.userId, deleted);
  }
}
