// Who is calling. Spec: client-server-api "Client authentication" — the token comes in the
// Authorization header (Bearer) or, deprecated, the access_token query parameter; a missing token
// is 401 M_MISSING_TOKEN, an unknown one 401 M_UNKNOWN_TOKEN, an expired one M_UNKNOWN_TOKEN with
// soft_logout: true.
import type { IncomingHttpHeaders } from 'node:http';
import { MatrixError } from '../spec/errors.ts';
import type { AuthKind, Requester } from '../spec/endpoint.ts';
import type { ClientInfo, UsersForAuth } from '../users/api.ts';

export interface AuthDeps {
  users: UsersForAuth;
}

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

export async function authenticate(
  deps: AuthDeps,
  kind: AuthKind,
  token: string | null,
  client: ClientInfo,
): Promise<Requester | null> {
  if (kind === 'none') return null;
  if (token === null) {
    if (kind === 'optional') return null;
    throw new MatrixError('M_MISSING_TOKEN', 'Missing access token');
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
