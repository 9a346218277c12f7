// The one place errors become responses (DESIGN §4.3). MatrixErrors and UIA challenges render as
// the spec's JSON; anything else is a bug: logged with its stack and answered 500 M_UNKNOWN
// without internals.
import type { Middleware } from 'koa';
import { MatrixError, UiaRequired } from '../spec/errors.ts';
import type { Logger } from '../observability/log.ts';

export const renderErrors =
  (log: Logger): Middleware =>
  async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      if (e instanceof MatrixError) {
        ctx.status = e.status;
        ctx.set(e.headers);
        ctx.body = e.toJSON();
      } else if (e instanceof UiaRequired) {
        ctx.status = 401;
        ctx.body = e.body;
      } else {
        log.error('unhandled error', { err: e, endpoint: ctx.state.endpoint, method: ctx.method });
        ctx.status = 500;
        ctx.body = { errcode: 'M_UNKNOWN', error: 'Internal server error' };
      }
    }
  };
