// The one error type of Switchyard. Spec: client-server-api "Standard error response" and
// "Common error codes"; application-service-api "Pinging"; server-server-api errors.
// The errcode→status map is exhaustive so adding an errcode forces choosing its status here.

export const ERRCODE_STATUS = {
  M_FORBIDDEN: 403,
  M_UNKNOWN_TOKEN: 401,
  M_MISSING_TOKEN: 401,
  M_USER_LOCKED: 401,
  M_USER_SUSPENDED: 403,
  M_BAD_JSON: 400,
  M_NOT_JSON: 400,
  M_NOT_FOUND: 404,
  M_LIMIT_EXCEEDED: 429,
  M_UNRECOGNIZED: 404,
  M_UNKNOWN: 400,
  M_UNAUTHORIZED: 401,
  M_USER_DEACTIVATED: 403,
  M_USER_IN_USE: 400,
  M_INVALID_USERNAME: 400,
  M_ROOM_IN_USE: 400,
  M_INVALID_ROOM_STATE: 400,
  M_THREEPID_IN_USE: 400,
  M_THREEPID_NOT_FOUND: 400,
  M_THREEPID_AUTH_FAILED: 401,
  M_THREEPID_DENIED: 403,
  M_THREEPID_MEDIUM_NOT_SUPPORTED: 400,
  M_SERVER_NOT_TRUSTED: 403,
  M_UNSUPPORTED_ROOM_VERSION: 400,
  M_INCOMPATIBLE_ROOM_VERSION: 400,
  M_BAD_STATE: 400,
  M_GUEST_ACCESS_FORBIDDEN: 403,
  M_CAPTCHA_NEEDED: 401,
  M_CAPTCHA_INVALID: 400,
  M_MISSING_PARAM: 400,
  M_INVALID_PARAM: 400,
  M_TOO_LARGE: 413,
  M_EXCLUSIVE: 400,
  M_RESOURCE_LIMIT_EXCEEDED: 403,
  M_CANNOT_LEAVE_SERVER_NOTICE_ROOM: 403,
  M_WEAK_PASSWORD: 400,
  M_UNABLE_TO_AUTHORISE_JOIN: 400,
  M_UNABLE_TO_GRANT_JOIN: 502,
  M_DUPLICATE_ANNOTATION: 400,
  M_INVITE_BLOCKED: 403,
  M_UNKNOWN_DEVICE: 404,
  M_USER_LIMIT_EXCEEDED: 400,
  M_APPSERVICE_LOGIN_UNSUPPORTED: 400,
  M_URL_NOT_SET: 400,
  M_BAD_STATUS: 502,
  M_CONNECTION_FAILED: 502,
  M_CONNECTION_TIMEOUT: 504,
  M_BAD_ALIAS: 400,
  M_WRONG_ROOM_KEYS_VERSION: 403,
  M_PROFILE_TOO_LARGE: 400,
  M_KEY_TOO_LARGE: 400,
} as const satisfies Record<string, number>;

export type Errcode = keyof typeof ERRCODE_STATUS;

/**
 * A Matrix error. `extra` carries the spec's additional fields (soft_logout, retry_after_ms,
 * status/body for M_BAD_STATUS, UIA flows). `status` overrides the map only where the spec
 * gives one errcode two statuses (M_UNRECOGNIZED is 405 for a known path with a wrong method).
 */
export class MatrixError extends Error {
  readonly errcode: Errcode;
  readonly status: number;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    errcode: Errcode,
    message: string,
    opts: { extra?: Record<string, unknown>; status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'MatrixError';
    this.errcode = errcode;
    this.status = opts.status ?? ERRCODE_STATUS[errcode];
    this.extra = opts.extra ?? {};
    this.headers = opts.headers ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { ...this.extra, errcode: this.errcode, error: this.message };
  }
}

export const isMatrixError = (e: unknown): e is MatrixError => e instanceof MatrixError;

/**
 * User-interactive authentication needs (more) stages: rendered as 401 with the UIA body
 * (client-server-api "User-interactive authentication API"). The body has an errcode only when
 * the last stage attempted failed, which is why this is not a MatrixError.
 */
export class UiaRequired extends Error {
  readonly body: Readonly<Record<string, unknown>>;
  constructor(body: Record<string, unknown>) {
    super('User-interactive authentication required');
    this.name = 'UiaRequired';
    this.body = body;
  }
}
