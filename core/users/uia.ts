// User-interactive authentication (client-server-api "User-Interactive Authentication API").
// State: one uia_sessions row per session, bound to the operation and user that started it and
// to a hash of the request parameters that matter (the devices to delete, ...), so a session
// completed for one request can't authorise another. Sessions expire after
// config.auth.uiaSessionLifetimeMs and are deleted once their operation has succeeded, so they
// are single use.
import { createHash } from 'node:crypto';
import { MatrixError, UiaRequired } from '../spec/errors.ts';
import type { UserId } from '../spec/ids.ts';
import type { Queryable } from '../storage/db.ts';
import type { AuthDict } from './api.ts';
import type { UiaSessionRow, UsersStore } from './store.ts';
import { newOpaqueId } from './tokens.ts';

export const STAGE_PASSWORD = 'm.login.password';
export const STAGE_DUMMY = 'm.login.dummy';
export const STAGE_REGISTRATION_TOKEN = 'm.login.registration_token';

export type UiaOperation = 'register' | 'change_password' | 'deactivate' | 'delete_devices';
export type Flow = readonly string[];

/** A stage may be attempted when it is not done yet and some flow holds it and every completed stage. */
export function stageAllowed(flows: readonly Flow[], completed: readonly string[], stage: string): boolean {
  if (completed.includes(stage)) return false;
  return flows.some((f) => f.includes(stage) && completed.every((c) => f.includes(c)));
}

/** Authentication is done when every stage of some flow is completed. */
export function flowsComplete(flows: readonly Flow[], completed: readonly string[]): boolean {
  return flows.some((f) => f.every((s) => completed.includes(s)));
}

export function challengeBody(
  flows: readonly Flow[],
  session: string,
  completed: readonly string[],
  error?: { errcode: 'M_FORBIDDEN' | 'M_UNAUTHORIZED'; error: string },
): Record<string, unknown> {
  return {
    ...(error ?? {}),
    flows: flows.map((stages) => ({ stages: [...stages] })),
    params: {},
    session,
    ...(completed.length > 0 ? { completed: [...completed] } : {}),
  };
}

export const paramsHash = (params: unknown): string => createHash('sha256').update(JSON.stringify(params)).digest('hex');

export type StageOutcome =
  | { ok: true; data?: Record<string, unknown> }
  | { ok: false; errcode: 'M_FORBIDDEN' | 'M_UNAUTHORIZED'; error: string };

/** Checks one stage's credentials; may throw a MatrixError (e.g. M_LIMIT_EXCEEDED) instead. */
export type StageCheck = (auth: AuthDict) => Promise<StageOutcome>;

export interface UiaRequest {
  operation: UiaOperation;
  userId: UserId | null;
  flows: readonly Flow[];
  /** The request parameters the session is bound to (JSON-serialisable, deterministic). */
  params: unknown;
  auth: AuthDict | undefined;
  stages: Readonly<Record<string, StageCheck>>;
}

export interface CompletedSession {
  sessionId: string;
  data: Record<string, unknown>;
}

export interface UiaDeps {
  store: UsersStore;
  sessionLifetimeMs: number;
  now: () => number;
}

export class Uia {
  readonly #deps: UiaDeps;
  constructor(deps: UiaDeps) {
    this.#deps = deps;
  }

  /** Returns the completed session, or throws UiaRequired (401 challenge) or a MatrixError. */
  async authenticate(req: UiaRequest): Promise<CompletedSession> {
    const { store } = this.#deps;
    const hash = paramsHash(req.params);
    const session = typeof req.auth?.session === 'string' ? await this.#resume(req, req.auth.session, hash) : await this.#start(req, hash);
    const type = req.auth?.type;
    if (req.auth === undefined || typeof type !== 'string' || session.completed.includes(type)) {
      return this.#result(req, session);
    }
    if (!stageAllowed(req.flows, session.completed, type) || !req.stages[type]) {
      throw new UiaRequired(
        challengeBody(req.flows, session.sessionId, session.completed, {
          errcode: 'M_UNAUTHORIZED',
          error: `Authentication stage ${type} is not expected here`,
        }),
      );
    }
    const outcome = await req.stages[type](req.auth);
    if (!outcome.ok) {
      throw new UiaRequired(challengeBody(req.flows, session.sessionId, session.completed, outcome));
    }
    session.completed = [...session.completed, type];
    session.data = { ...session.data, ...(outcome.data ?? {}) };
    await store.updateUiaSession(session.sessionId, session.completed, session.data);
    return this.#result(req, session);
  }

  /**
   * Call inside the operation's transaction: the session is spent, and if a concurrent request
   * spent it first this one fails and rolls back, so one session authorises one operation.
   */
  async finish(q: Queryable, sessionId: string): Promise<void> {
    if (!(await this.#deps.store.deleteUiaSession(q, sessionId))) {
      throw new MatrixError('M_UNKNOWN', 'Unknown or expired user-interactive authentication session');
    }
  }

  #result(req: UiaRequest, session: UiaSessionRow): CompletedSession {
    // "A request to an endpoint that uses User-Interactive Authentication never succeeds without auth."
    if (req.auth !== undefined && flowsComplete(req.flows, session.completed)) {
      return { sessionId: session.sessionId, data: session.data };
    }
    throw new UiaRequired(challengeBody(req.flows, session.sessionId, session.completed));
  }

  async #start(req: UiaRequest, hash: string): Promise<UiaSessionRow> {
    const { store, now, sessionLifetimeMs } = this.#deps;
    const t = now();
    await store.purgeExpiredUiaSessions(t);
    const row: UiaSessionRow = {
      sessionId: newOpaqueId(),
      operation: req.operation,
      userId: req.userId,
      paramsHash: hash,
      completed: [],
      data: {},
      expiresTs: t + sessionLifetimeMs,
    };
    await store.createUiaSession(row, t);
    return row;
  }

  async #resume(req: UiaRequest, sessionId: string, hash: string): Promise<UiaSessionRow> {
    const row = await this.#deps.store.getUiaSession(sessionId);
    if (!row || row.expiresTs <= this.#deps.now()) {
      throw new MatrixError('M_UNKNOWN', 'Unknown or expired user-interactive authentication session');
    }
    if (row.operation !== req.operation || row.userId !== req.userId) {
      throw new MatrixError('M_FORBIDDEN', 'This authentication session was started for another operation');
    }
    if (row.paramsHash !== hash) {
      throw new MatrixError('M_FORBIDDEN', 'Requested operation has changed during the authentication session');
    }
    return row;
  }
}
