// Spec: client-server-api "Web Browser Clients" — every response carries these headers so
// browser clients on any origin can call the API, and OPTIONS preflights are answered directly.
import type { Middleware } from 'koa';

export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization',
} as const;

export const cors = (): Middleware => async (ctx, next) => {
  ctx.set(CORS_HEADERS);
  if (ctx.method === 'OPTIONS') {
    ctx.status = 204;
    return;
  }
  await next();
};
