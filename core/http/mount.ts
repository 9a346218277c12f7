// Mounts one route: authenticate → rate-limit → read and parse the body, query and path with the
// definition's shapes → call the handler → render. Handlers never see ctx (DESIGN §4.1).
import type Router from '@koa/router';
import { MatrixError } from '../spec/errors.ts';
import { Reply, type RateLimitName } from '../spec/endpoint.ts';
import { parseWith } from '../spec/shape.ts';
import type { RateLimiter } from '../lib/rate-limiter.ts';
import { authenticate, extractMasquerade, extractToken, isRateLimitExempt, type AuthDeps } from './auth.ts';
import { parseJsonBody, readBody } from './body.ts';
import type { Route } from './route.ts';

export interface MountDeps {
  auth: AuthDeps;
  maxBodyBytes: number;
  limiters: Readonly<Record<RateLimitName, RateLimiter>>;
}

export function mount(router: Router, { def, handler }: Route, deps: MountDeps): void {
  const limiter = def.rateLimit ? deps.limiters[def.rateLimit] : null;
  const takesBody = def.method !== 'GET';
  router.register(withLegacyPaths(def.paths), [def.method], async (ctx) => {
    ctx.state.endpoint = def.name;
    const rawQuery = ctx.query as Record<string, unknown>;
    const userAgent = ctx.get('user-agent') || null;
    const token = extractToken(ctx.headers, rawQuery);
    const requester = await authenticate(deps.auth, def.auth, token, { ip: ctx.ip, userAgent }, def.masquerade === false ? undefined : extractMasquerade(rawQuery));
    if (limiter && !isRateLimitExempt(deps.auth, requester)) {
      const decision = limiter.hit(requester?.userId ?? ctx.ip);
      if (!decision.allowed) {
        throw new MatrixError('M_LIMIT_EXCEEDED', 'Too many requests', {
          extra: { retry_after_ms: decision.retryAfterMs },
          headers: { 'Retry-After': String(Math.ceil(decision.retryAfterMs / 1000)) },
        });
      }
    }
    let body: unknown;
    if (takesBody) {
      const raw = await readBody(ctx.req, def.maxBodyBytes ?? deps.maxBodyBytes);
      body = def.body ? parseWith(def.body, parseJsonBody(raw), 'body') : undefined;
    }
    const params = def.params ? parseWith(def.params, { ...ctx.params }, 'path') : { ...ctx.params };
    const query = def.query ? parseWith(def.query, rawQuery, 'query') : undefined;
    const result = await handler({
      requester,
      body,
      query,
      params,
      ip: ctx.ip,
      userAgent,
    });
    if (result instanceof Reply) {
      ctx.status = result.status;
      ctx.set(result.headers);
      ctx.body = result.body;
    } else {
      ctx.status = 200;
      ctx.body = result ?? {};
    }
  });
}

/**
 * Every v3 client path is also served under r0, as Synapse does: the v3 endpoints are the r0 ones
 * renamed (client-server-api "API Standards"), and older SDKs still in use by bridges
 * (matrix-bot-sdk registers ghosts through /_matrix/client/r0/register) call r0.
 */
export function withLegacyPaths(paths: readonly string[]): string[] {
  const out = new Set(paths);
  for (const p of paths) if (p.startsWith('/_matrix/client/v3/')) out.add(p.replace('/_matrix/client/v3/', '/_matrix/client/r0/'));
  return [...out];
}
