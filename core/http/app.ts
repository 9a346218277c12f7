// The koa application: request metrics, CORS, error rendering, the mounted routes, and the
// fallback for paths nobody serves (404 M_UNRECOGNIZED, or 405 when only the method is wrong).
import Koa from 'koa';
import Router from '@koa/router';
import { Counter, Histogram, type Registry } from 'prom-client';
import { MatrixError } from '../spec/errors.ts';
import type { RateLimitName } from '../spec/endpoint.ts';
import { RateLimiter, type BucketSpec } from '../lib/rate-limiter.ts';
import type { Logger } from '../observability/log.ts';
import type { AuthDeps } from './auth.ts';
import { cors } from './cors.ts';
import { renderErrors } from './errors.ts';
import { mount } from './mount.ts';
import type { Route } from './route.ts';

export interface HttpDeps {
  auth: AuthDeps;
  log: Logger;
  metrics: Registry;
  maxBodyBytes: number;
  rateLimits: Readonly<Record<RateLimitName, BucketSpec>>;
  /** Serve the metrics registry at this path; null = not on this listener. */
  metricsPath: string | null;
}

export function createHttpApp(deps: HttpDeps, routes: readonly Route[]): Koa {
  const app = new Koa();
  const router = new Router();
  const names = new Set<string>();
  const limiters = Object.fromEntries(
    Object.entries(deps.rateLimits).map(([name, spec]) => [name, new RateLimiter(spec)]),
  ) as Record<RateLimitName, RateLimiter>;
  for (const r of routes) {
    if (names.has(r.def.name)) throw new Error(`Endpoint name defined twice: ${r.def.name}`);
    names.add(r.def.name);
    mount(router, r, { auth: deps.auth, maxBodyBytes: deps.maxBodyBytes, limiters });
  }

  app.use(requestMetrics(deps.metrics));
  app.use(cors());
  app.use(renderErrors(deps.log));
  if (deps.metricsPath) {
    const path = deps.metricsPath;
    app.use(async (ctx, next) => {
      if (ctx.path !== path || ctx.method !== 'GET') return next();
      ctx.state.endpoint = 'getMetrics';
      ctx.type = deps.metrics.contentType;
      ctx.body = await deps.metrics.metrics();
    });
  }
  app.use(router.routes());
  app.use(async (ctx) => {
    const matched = router.match(ctx.path, ctx.method);
    if (matched.path.length > 0) {
      throw new MatrixError('M_UNRECOGNIZED', 'Unrecognized request: method not allowed', { status: 405 });
    }
    throw new MatrixError('M_UNRECOGNIZED', 'Unrecognized request');
  });
  // Koa reports errors that escaped every middleware here; renderErrors leaves none but socket ones.
  app.on('error', (err: Error) => deps.log.debug('http socket error', { err }));
  return app;
}

function requestMetrics(registry: Registry): Koa.Middleware {
  const requests = new Counter({
    name: 'switchyard_http_requests_total',
    help: 'HTTP requests by endpoint name, method and status',
    labelNames: ['endpoint', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'HTTP request latency by endpoint name',
    labelNames: ['endpoint'],
    buckets: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30],
    registers: [registry],
  });
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const endpoint = String(ctx.state.endpoint ?? 'unmatched');
      requests.inc({ endpoint, method: ctx.method, status: String(ctx.status) });
      duration.observe({ endpoint }, Number(process.hrtime.bigint() - start) / 1e9);
    }
  };
}
