// Who is calling. Spec: client-server-api "Client authentication" — the token comes in the
// Authorization header (Bearer) or, deprecated, the access_token query parameter; a missing token
// is 401 M_MISSING_TOKEN, an unknown one 401 M_UNKNOWN_TOKEN, an expired one M_UNKNOWN_TOKEN with
// soft_logout: true.
//
// Appservices (application-service-api "Identity assertion") send their as_token the same way;
// the AppserviceGate port says whose it is. They act as their sender, or as the `user_id` query
// parameter names (their sender or a user in their users namespaces, and registered here), and
// with the device `device_id` (spec v1.17) or `org.matrix.msc3202.device_id` names, which must be
// that user's. As Synapse does, the as_token is tried before user access tokens.
import type { IncomingHttpHeaders } from 'node:http';
import { MatrixError } from '../spec/errors.ts';
import type { AuthKind, Requester } from '../spec/endpoint.ts';
import { parseUserId, type UserId } from '../spec/ids.ts';
import type { AppserviceGate, AppserviceIdentity } from '../ports/appservice-gate.ts';
import type { ClientInfo, UsersForAuth } from '../users/api.ts';

export interface AuthDeps {
  users: UsersForAuth;
  /** Absent: no appservices (tests of the users feature alone). */
  appservices?: AppserviceGate;
}

/** The identity-assertion query parameters, as the request carried them. */
export interface Masquerade {
  userId: string | null;
  deviceId: string | null;
}

const UNSTABLE_DEVICE_ID_PARAM = 'org.matrix.msc3202.device_id';

export function extractToken(headers: IncomingHttpHeaders, query: Record<string, unknown>): string | null {
  const header = headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new MatrixError('M_MISSING_TOKEN', 'Invalid Authorization header: expected Bearer token');
    return m[1]!;
  }
  const q = query.access_token;
  return typeof q === 'string' && q !== '' ? q : null;
}

const first = (v: unknown): string | null => {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : null;
};

export function extractMasquerade(query: Record<string, unknown>): Masquerade {
  return { userId: first(query.user_id), deviceId: first(query.device_id) ?? first(query[UNSTABLE_DEVICE_ID_PARAM]) };
}

export async function authenticate(
  deps: AuthDeps,
  kind: AuthKind,
  token: string | null,
  client: ClientInfo,
  masquerade: Masquerade = { userId: null, deviceId: null },
): Promise<Requester | null> {
  if (kind === 'none') return null;
  if (token === null) {
    if (kind === 'optional') return null;
    throw new MatrixError('M_MISSING_TOKEN', 'Missing access token');
  }
  const appservice = deps.appservices?.byToken(token) ?? null;
  if (appservice) {
    // Appservices are not server admins, whatever their namespaces cover.
    if (kind === 'admin') throw new MatrixError('M_FORBIDDEN', 'You are not a server admin');
    return appserviceRequester(deps, appservice, masquerade);
  }
  const found = await deps.users.resolveAccessToken(token, client);
  if (found === null) throw new MatrixError('M_UNKNOWN_TOKEN', 'Unknown access token', { extra: { soft_logout: false } });
  if ('expired' in found) throw new MatrixError('M_UNKNOWN_TOKEN', 'Access token has expired', { extra: { soft_logout: true } });
  const requester: Requester = {
    userId: found.userId,
    deviceId: found.deviceId,
    tokenId: found.tokenId,
    appserviceId: null,
    isGuest: found.isGuest,
  };
  if (kind === 'appservice') throw new MatrixError('M_FORBIDDEN', 'This endpoint is for application services only');
  if (kind === 'admin' && !(await deps.users.isAdmin(requester.userId)))
    throw new MatrixError('M_FORBIDDEN', 'You are not a server admin');
  return requester;
}

async function appserviceRequester(deps: AuthDeps, as: AppserviceIdentity, m: Masquerade): Promise<Requester> {
  let userId: UserId = as.senderUserId;
  if (m.userId !== null && m.userId !== as.senderUserId) {
    const wanted = parseUserId(m.userId);
    if (wanted === null) throw new MatrixError('M_INVALID_PARAM', 'user_id is not a valid user ID');
    if (!deps.appservices!.canActAs(as.id, wanted)) {
      throw new MatrixError('M_FORBIDDEN', `Application service cannot masquerade as this user (${wanted})`);
    }
    // Synapse: the sender may be used before it exists; other users must be registered first.
    if (!(await deps.users.userExists(wanted))) {
      throw new MatrixError('M_FORBIDDEN', `Application service has not registered this user (${wanted})`);
    }
    userId = wanted;
  }
  if (m.deviceId !== null && !(await deps.users.deviceExists(userId, m.deviceId))) {
    // application-service-api "Identity assertion" (v1.17): an unknown device is 400 M_UNKNOWN_DEVICE.
    throw new MatrixError('M_UNKNOWN_DEVICE', `Unknown device ${m.deviceId} for ${userId}`, { status: 400 });
  }
  return { userId, deviceId: m.deviceId, tokenId: null, appserviceId: as.id, isGuest: false };
}

/** rate_limited: false in a registration exempts the appservice from every rate limit. */
export function isRateLimitExempt(deps: AuthDeps, requester: Requester | null): boolean {
  if (requester?.appserviceId == null) return false;
  return deps.appservices?.byId(requester.appserviceId)?.rateLimited === false;
}

/**
 * For `m.login.application_service` on /register and /login (application-service-api "Server
 * admin style permissions"): without a token 401 M_MISSING_TOKEN, with one that is not an
 * as_token 401 M_UNKNOWN_TOKEN. Returns the appservice's id.
 */
export function requireAppservice(requester: Requester | null): string {
  if (requester === null) throw new MatrixError('M_MISSING_TOKEN', 'Missing application service token');
  if (requester.appserviceId === null) {
    throw new MatrixError('M_UNKNOWN_TOKEN', 'Not an application service token', { extra: { soft_logout: false } });
  }
  return requester.appserviceId;
}
