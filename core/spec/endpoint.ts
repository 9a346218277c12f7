// Every endpoint is defined once, as data (DESIGN §4.1): its name (ruma style: getX, setX, ...),
// method, versioned paths, who may call it, its rate limit and the shapes of its inputs. The HTTP
// layer mounts these definitions; handlers receive parsed, authorised input only.
import type { Shape } from './shape.ts';
import type { UserId } from './ids.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/**
 * none: anyone. optional: a token is used when present. user: a valid access token (or an AS
 * token masquerading as a user). appservice: an AS token only. admin: a server admin's token.
 */
export type AuthKind = 'none' | 'optional' | 'user' | 'appservice' | 'admin';

export type RateLimitName = 'login' | 'register' | 'message' | 'default';

export interface Requester {
  readonly userId: UserId;
  /** null for an appservice acting without a device. */
  readonly deviceId: string | null;
  /** The id of the access token row, for logout and token-scoped state. */
  readonly tokenId: string | null;
  /** Set when the request came with an appservice's as_token. */
  readonly appserviceId: string | null;
  readonly isGuest: boolean;
}

export type RequesterFor<A extends AuthKind> = A extends 'none'
  ? null
  : A extends 'optional'
    ? Requester | null
    : Requester;

export interface EndpointDef<A extends AuthKind = AuthKind, B = unknown, Q = unknown, P = unknown> {
  readonly name: string;
  readonly method: HttpMethod;
  /** koa-router patterns, e.g. '/_matrix/client/v3/profile/:userId'. */
  readonly paths: readonly string[];
  readonly auth: A;
  readonly rateLimit?: RateLimitName;
  readonly body?: Shape<B>;
  readonly query?: Shape<Q>;
  readonly params?: Shape<P>;
  /** Overrides the configured body limit (e.g. media upload). */
  readonly maxBodyBytes?: number;
  /**
   * false: an appservice calls this endpoint as itself and `user_id` is not an identity
   * assertion (Synapse's get_appservice_by_req, e.g. /register, whose frameworks send the ghost's
   * user_id before the ghost exists).
   */
  readonly masquerade?: false;
}

export const endpoint = <A extends AuthKind, B = undefined, Q = undefined, P = undefined>(
  def: EndpointDef<A, B, Q, P>,
): EndpointDef<A, B, Q, P> => def;

export interface HandlerInput<A extends AuthKind, B, Q, P> {
  readonly requester: RequesterFor<A>;
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  /** The client's address, for rate limits and device last-seen. */
  readonly ip: string;
  readonly userAgent: string | null;
}

/** A reply other than a 200 JSON body. */
export class Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export type Handler<A extends AuthKind, B, Q, P> = (input: HandlerInput<A, B, Q, P>) => Promise<unknown>;
