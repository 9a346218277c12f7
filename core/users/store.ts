// All SQL of the users feature (DESIGN §4.6): accounts, devices, tokens, profile fields, UIA
// sessions, registration tokens and shared-secret nonces. Methods that take a Queryable run inside
// the caller's transaction; the others use the pool.
import { TokenCache } from './token-cache.ts';
import type { Db, Queryable } from '../storage/db.ts';
import type { UserId } from '../spec/ids.ts';

export interface UserRow {
  userId: UserId;
  passwordHash: string | null;
  deactivated: boolean;
  isAdmin: boolean;
  isGuest: boolean;
}

export interface DeviceRow {
  deviceId: string;
  displayName: string | null;
  lastSeenTs: number | null;
  lastSeenIp: string | null;
}

export interface AccessTokenRow {
  id: string;
  userId: UserId;
  deviceId: string | null;
  validUntilTs: number | null;
  refreshTokenId: string | null;
  used: boolean;
  isGuest: boolean;
  lastSeenTs: number | null;
}

export interface RefreshTokenRow {
  id: string;
  userId: UserId;
  deviceId: string;
  expiresTs: number | null;
}

export interface UiaSessionRow {
  sessionId: string;
  operation: string;
  userId: string | null;
  paramsHash: string;
  completed: string[];
  data: Record<string, unknown>;
  expiresTs: number;
}

export interface NewUser {
  userId: UserId;
  localpart: string;
  passwordHash: string | null;
  isAdmin: boolean;
  now: number;
  /** The appservice that registers the user (application-service-api registration). */
  appserviceId?: string | null;
}

export interface AppserviceUserRow {
  userId: UserId;
  createdTs: number;
  deactivated: boolean;
  displayname: string | null;
  avatarUrl: string | null;
}

export interface RegistrationTokenRow {
  token: string;
  uses_allowed: number | null;
  pending: number;
  completed: number;
  expiry_time: number | null;
}
const TOKEN_COLUMNS = 'token, uses_allowed, pending, completed, expiry_time';

export class UsersStore {
  readonly db: Db;
  readonly tokenCache = new TokenCache();
  constructor(db: Db) {
    this.db = db;
  }

  // --- users ---

  /** false when the user id is taken. */
  async createUser(q: Queryable, u: NewUser): Promise<boolean> {
    const r = await q.query(
      `INSERT INTO users (user_id, localpart, password_hash, created_ts, is_admin, appservice_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [u.userId, u.localpart, u.passwordHash, u.now, u.isAdmin, u.appserviceId ?? null],
    );
    return r.rowCount === 1;
  }

  async getUser(userId: string, q: Queryable = this.db): Promise<UserRow | null> {
    const r = await q.query<UserRow>(
      `SELECT user_id AS "userId", password_hash AS "passwordHash", deactivated, is_admin AS "isAdmin",
              is_guest AS "isGuest" FROM users WHERE user_id = $1`,
      [userId],
    );
    return r.rows[0] ?? null;
  }

  async userExists(userId: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM users WHERE user_id = $1', [userId]);
    return r.rowCount === 1;
  }

  /** Users an appservice registered, for the puppet registry; `prefix` matches literally. */
  async listAppserviceUsers(appserviceId: string, prefix: string, after: string, limit: number): Promise<AppserviceUserRow[]> {
    const like = prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    const r = await this.db.query<AppserviceUserRow & { createdTs: string }>(
      `SELECT u.user_id AS "userId", u.created_ts AS "createdTs", u.deactivated,
              d.value #>> '{}' AS displayname, a.value #>> '{}' AS "avatarUrl"
       FROM users u
       LEFT JOIN profile_fields d ON d.user_id = u.user_id AND d.field = 'displayname'
       LEFT JOIN profile_fields a ON a.user_id = u.user_id AND a.field = 'avatar_url'
       WHERE u.appservice_id = $1 AND u.user_id LIKE $2 AND u.user_id > $3
       ORDER BY u.user_id LIMIT $4`,
      [appserviceId, like, after, limit],
    );
    return r.rows.map((x) => ({ ...x, createdTs: Number(x.createdTs) }));
  }

  async setPasswordHash(q: Queryable, userId: UserId, hash: string): Promise<void> {
    await q.query('UPDATE users SET password_hash = $2 WHERE user_id = $1', [userId, hash]);
  }

  async markDeactivated(q: Queryable, userId: UserId): Promise<void> {
    this.tokenCache.forgetUser(userId);
    await q.query('UPDATE users SET deactivated = TRUE, password_hash = NULL WHERE user_id = $1', [userId]);
  }

  // --- devices ---

  /** Creates the device unless it exists; returns whether it was created. */
  async ensureDevice(q: Queryable, userId: UserId, deviceId: string, displayName: string | null, now: number): Promise<boolean> {
    const r = await q.query(
      `INSERT INTO devices (user_id, device_id, display_name, created_ts) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [userId, deviceId, displayName, now],
    );
    return r.rowCount === 1;
  }

  async listDevices(userId: UserId): Promise<DeviceRow[]> {
    const r = await this.db.query<DeviceRow>(
      `SELECT device_id AS "deviceId", display_name AS "displayName", last_seen_ts AS "lastSeenTs",
              last_seen_ip AS "lastSeenIp" FROM devices WHERE user_id = $1 ORDER BY device_id`,
      [userId],
    );
    return r.rows;
  }

  async deviceExists(userId: UserId, deviceId: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM devices WHERE user_id = $1 AND device_id = $2', [userId, deviceId]);
    return r.rowCount === 1;
  }

  async getDevice(userId: UserId, deviceId: string): Promise<DeviceRow | null> {
    const r = await this.db.query<DeviceRow>(
      `SELECT device_id AS "deviceId", display_name AS "displayName", last_seen_ts AS "lastSeenTs",
              last_seen_ip AS "lastSeenIp" FROM devices WHERE user_id = $1 AND device_id = $2`,
      [userId, deviceId],
    );
    return r.rows[0] ?? null;
  }

  async setDeviceDisplayName(userId: UserId, deviceId: string, name: string | null): Promise<boolean> {
    const r = await this.db.query('UPDATE devices SET display_name = $3 WHERE user_id = $1 AND device_id = $2', [
      userId,
      deviceId,
      name,
    ]);
    return r.rowCount === 1;
  }

  async touchDevice(userId: UserId, deviceId: string, ip: string, userAgent: string | null, now: number): Promise<void> {
    await this.db.query(
      `UPDATE devices SET last_seen_ts = $3, last_seen_ip = $4, last_seen_user_agent = $5
       WHERE user_id = $1 AND device_id = $2`,
      [userId, deviceId, now, ip, userAgent],
    );
  }

  /** Deletes devices (their tokens go with them, by cascade); returns the ids that existed. */
  async deleteDevices(q: Queryable, userId: UserId, deviceIds: readonly string[]): Promise<string[]> {
    this.tokenCache.forgetUser(userId);
    const r = await q.query<{ device_id: string }>(
      'DELETE FROM devices WHERE user_id = $1 AND device_id = ANY($2::text[]) RETURNING device_id',
      [userId, deviceIds],
    );
    return r.rows.map((x) => x.device_id);
  }

  /** Deletes every device of the user but `keep` (if given); returns the deleted ids. */
  async deleteAllDevices(q: Queryable, userId: UserId, keep: string | null): Promise<string[]> {
    this.tokenCache.forgetUser(userId);
    const r = await q.query<{ device_id: string }>(
      'DELETE FROM devices WHERE user_id = $1 AND device_id IS DISTINCT FROM $2 RETURNING device_id',
      [userId, keep],
    );
    return r.rows.map((x) => x.device_id);
  }

  // --- tokens ---

  /** Spec "Relationship between access tokens and devices": a reused device id loses its old tokens. */
  async deleteDeviceTokens(q: Queryable, userId: UserId, deviceId: string): Promise<void> {
    this.tokenCache.forgetUser(userId);
    await q.query('DELETE FROM access_tokens WHERE user_id = $1 AND device_id = $2', [userId, deviceId]);
    await q.query('DELETE FROM refresh_tokens WHERE user_id = $1 AND device_id = $2', [userId, deviceId]);
  }

  async deleteAllAccessTokens(q: Queryable, userId: UserId): Promise<void> {
    this.tokenCache.forgetUser(userId);
    await q.query('DELETE FROM access_tokens WHERE user_id = $1', [userId]);
  }

  async insertRefreshToken(q: Queryable, hash: Buffer, userId: UserId, deviceId: string, now: number, expiresTs: number | null): Promise<string> {
    const r = await q.query<{ id: number }>(
      `INSERT INTO refresh_tokens (token_hash, user_id, device_id, created_ts, expires_ts)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [hash, userId, deviceId, now, expiresTs],
    );
    return String(r.rows[0]!.id);
  }

  async insertAccessToken(
    q: Queryable,
    t: { hash: Buffer; userId: UserId; deviceId: string | null; now: number; validUntilTs: number | null; refreshTokenId: string | null },
  ): Promise<string> {
    const r = await q.query<{ id: number }>(
      `INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts, valid_until_ts, refresh_token_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [t.hash, t.userId, t.deviceId, t.now, t.validUntilTs, t.refreshTokenId],
    );
    return String(r.rows[0]!.id);
  }

  async lookupAccessToken(hash: Buffer): Promise<AccessTokenRow | null> {
    const key = hash.toString('base64');
    const cached = this.tokenCache.get(key);
    if (cached) return cached;
    const generation = this.tokenCache.generation;
    const r = await this.db.query<AccessTokenRow>(
      `SELECT t.id::text AS id, t.user_id AS "userId", t.device_id AS "deviceId", t.valid_until_ts AS "validUntilTs",
              t.refresh_token_id::text AS "refreshTokenId", t.used, u.is_guest AS "isGuest", d.last_seen_ts AS "lastSeenTs"
       FROM access_tokens t JOIN users u ON u.user_id = t.user_id
       LEFT JOIN devices d ON d.user_id = t.user_id AND d.device_id = t.device_id
       WHERE t.token_hash = $1`,
      [hash],
    );
    const row = r.rows[0] ?? null;
    if (row) this.tokenCache.set(key, row, generation);
    return row;
  }

  /**
   * First use of an access token: the refresh token it replaced (whose next is the token's own
   * refresh token) is retired, and with it, by cascade, the access token issued alongside it.
   */
  async markAccessTokenUsed(id: string, refreshTokenId: string | null): Promise<void> {
    await this.db.tx(async (q) => {
      await q.query('UPDATE access_tokens SET used = TRUE WHERE id = $1', [id]);
      if (refreshTokenId !== null) {
        this.tokenCache.forgetAll();
        await q.query('DELETE FROM refresh_tokens WHERE next_id = $1', [refreshTokenId]);
      }
    });
  }

  async deleteAccessToken(id: string): Promise<void> {
    this.tokenCache.forgetAll();
    await this.db.query('DELETE FROM access_tokens WHERE id = $1', [id]);
  }

  async lockRefreshToken(q: Queryable, hash: Buffer): Promise<(RefreshTokenRow & { nextId: string | null }) | null> {
    const r = await q.query<RefreshTokenRow & { nextId: string | null }>(
      `SELECT id::text AS id, user_id AS "userId", device_id AS "deviceId", expires_ts AS "expiresTs",
              next_id::text AS "nextId" FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
      [hash],
    );
    return r.rows[0] ?? null;
  }

  /** Rotation: `id` now points at `nextId`; a successor issued by an earlier attempt is dropped. */
  async setNextRefreshToken(q: Queryable, id: string, previousNext: string | null, nextId: string): Promise<void> {
    // Deleting refresh tokens cascades to the access tokens issued with them.
    this.tokenCache.forgetAll();
    await q.query('UPDATE refresh_tokens SET next_id = $2 WHERE id = $1', [id, nextId]);
    if (previousNext !== null) await q.query('DELETE FROM refresh_tokens WHERE id = $1', [previousNext]);
  }

  /** Using refresh token `id` retires its predecessor (and the access token issued with it). */
  async retirePredecessor(q: Queryable, id: string): Promise<void> {
    this.tokenCache.forgetAll();
    await q.query('DELETE FROM refresh_tokens WHERE next_id = $1', [id]);
  }

  // --- profiles ---

  /**
   * A user's profile, or null when the user does not exist: one query, because every join reads
   * the joiner's profile (displayname, avatar_url) and a second round trip per join showed in the
   * appservice bulk-join profile (issue #5).
   */
  async profileOf(userId: string): Promise<Record<string, unknown> | null> {
    const r = await this.db.query<{ field: string | null; value: unknown }>(
      `SELECT f.field, f.value FROM users u LEFT JOIN profile_fields f ON f.user_id = u.user_id
        WHERE u.user_id = $1 ORDER BY f.field`,
      [userId],
    );
    if (r.rows.length === 0) return null;
    return Object.fromEntries(r.rows.flatMap((x) => (x.field === null ? [] : [[x.field, x.value]])));
  }

  /** Bytes the profile takes as JSON, leaving out one field (the one about to be replaced). */
  async profileBytesWithout(q: Queryable, userId: UserId, field: string): Promise<number> {
    const r = await q.query<{ n: number | null }>(
      `SELECT SUM(octet_length(to_json(field)::text) + octet_length(value::text) + 2)::int AS n
       FROM profile_fields WHERE user_id = $1 AND field <> $2`,
      [userId, field],
    );
    return r.rows[0]?.n ?? 0;
  }

  async setProfileField(q: Queryable, userId: UserId, field: string, value: unknown): Promise<void> {
    await q.query(
      `INSERT INTO profile_fields (user_id, field, value) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (user_id, field) DO UPDATE SET value = EXCLUDED.value`,
      [userId, field, JSON.stringify(value)],
    );
  }

  async deleteProfileField(q: Queryable, userId: UserId, field: string): Promise<void> {
    await q.query('DELETE FROM profile_fields WHERE user_id = $1 AND field = $2', [userId, field]);
  }

  async deleteProfile(q: Queryable, userId: UserId): Promise<void> {
    await q.query('DELETE FROM profile_fields WHERE user_id = $1', [userId]);
  }

  // --- user-interactive auth ---

  async createUiaSession(s: Omit<UiaSessionRow, 'completed' | 'data'>, now: number): Promise<void> {
    await this.db.query(
      `INSERT INTO uia_sessions (session_id, operation, user_id, params_hash, created_ts, expires_ts)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.sessionId, s.operation, s.userId, s.paramsHash, now, s.expiresTs],
    );
  }

  async getUiaSession(sessionId: string): Promise<UiaSessionRow | null> {
    const r = await this.db.query<UiaSessionRow>(
      `SELECT session_id AS "sessionId", operation, user_id AS "userId", params_hash AS "paramsHash", completed, data,
              expires_ts AS "expiresTs" FROM uia_sessions WHERE session_id = $1`,
      [sessionId],
    );
    return r.rows[0] ?? null;
  }

  async updateUiaSession(sessionId: string, completed: readonly string[], data: Record<string, unknown>): Promise<void> {
    await this.db.query('UPDATE uia_sessions SET completed = $2, data = $3::jsonb WHERE session_id = $1', [
      sessionId,
      completed,
      JSON.stringify(data),
    ]);
  }

  /** false when the session was already gone (used by a concurrent request, or expired and purged). */
  async deleteUiaSession(q: Queryable, sessionId: string): Promise<boolean> {
    const r = await q.query('DELETE FROM uia_sessions WHERE session_id = $1', [sessionId]);
    return r.rowCount === 1;
  }

  /** Drops expired sessions and gives back the registration-token uses they held. */
  async purgeExpiredUiaSessions(now: number): Promise<void> {
    await this.db.tx(async (q) => {
      const r = await q.query<{ token: string | null }>(
        `DELETE FROM uia_sessions WHERE expires_ts <= $1 RETURNING data->>'registration_token' AS token`,
        [now],
      );
      for (const { token } of r.rows) if (token !== null) await this.releaseRegistrationToken(q, token);
    });
  }

  // --- registration tokens ---

  /** false when the token already exists. */
  async createRegistrationToken(token: string, usesAllowed: number | null, expiryTime: number | null): Promise<boolean> {
    const r = await this.db.query(
      'INSERT INTO registration_tokens (token, uses_allowed, expiry_time) VALUES ($1, $2, $3) ON CONFLICT (token) DO NOTHING',
      [token, usesAllowed, expiryTime],
    );
    return r.rowCount === 1;
  }

  async listRegistrationTokens(): Promise<RegistrationTokenRow[]> {
    const r = await this.db.query<RegistrationTokenRow>(`SELECT ${TOKEN_COLUMNS} FROM registration_tokens ORDER BY token`);
    return r.rows;
  }

  async getRegistrationToken(token: string): Promise<RegistrationTokenRow | null> {
    const r = await this.db.query<RegistrationTokenRow>(`SELECT ${TOKEN_COLUMNS} FROM registration_tokens WHERE token = $1`, [token]);
    return r.rows[0] ?? null;
  }

  async deleteRegistrationToken(token: string): Promise<boolean> {
    const r = await this.db.query('DELETE FROM registration_tokens WHERE token = $1', [token]);
    return r.rowCount === 1;
  }

  async isRegistrationTokenValid(token: string, now: number): Promise<boolean> {
    const r = await this.db.query(
      `SELECT 1 FROM registration_tokens WHERE token = $1 AND (expiry_time IS NULL OR expiry_time > $2)
       AND (uses_allowed IS NULL OR pending + completed < uses_allowed)`,
      [token, now],
    );
    return r.rowCount === 1;
  }

  /** Reserves one use of a valid token for a registration in progress. */
  async reserveRegistrationToken(token: string, now: number): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE registration_tokens SET pending = pending + 1 WHERE token = $1 AND (expiry_time IS NULL OR expiry_time > $2)
       AND (uses_allowed IS NULL OR pending + completed < uses_allowed)`,
      [token, now],
    );
    return r.rowCount === 1;
  }

  async completeRegistrationToken(q: Queryable, token: string): Promise<void> {
    await q.query('UPDATE registration_tokens SET pending = pending - 1, completed = completed + 1 WHERE token = $1', [token]);
  }

  async releaseRegistrationToken(q: Queryable, token: string): Promise<void> {
    await q.query('UPDATE registration_tokens SET pending = GREATEST(pending - 1, 0) WHERE token = $1', [token]);
  }

  // --- shared-secret registration nonces ---

  async createNonce(nonce: string, now: number, notBefore: number): Promise<void> {
    await this.db.query('DELETE FROM registration_nonces WHERE created_ts < $1', [notBefore]);
    await this.db.query('INSERT INTO registration_nonces (nonce, created_ts) VALUES ($1, $2)', [nonce, now]);
  }

  /** Single use: the nonce is deleted; true when it existed and was issued after `notBefore`. */
  async takeNonce(nonce: string, notBefore: number): Promise<boolean> {
    await this.db.query('DELETE FROM registration_nonces WHERE created_ts < $1', [notBefore]);
    const r = await this.db.query('DELETE FROM registration_nonces WHERE nonce = $1 AND created_ts >= $2', [nonce, notBefore]);
    return r.rowCount === 1;
  }
}
