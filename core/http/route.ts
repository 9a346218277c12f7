// A route pairs an endpoint definition with its handler. core/api/* files export functions that
// take their feature APIs and return routes; core/main.ts mounts them all.
import type { AuthKind, EndpointDef, Handler } from '../spec/endpoint.ts';

export interface Route {
  // The pairing below keeps def and handler agreeing; the list itself is heterogeneous.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly def: EndpointDef<AuthKind, any, any, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly handler: Handler<AuthKind, any, any, any>;
}

export const route = <A extends AuthKind, B, Q, P>(def: EndpointDef<A, B, Q, P>, handler: Handler<A, B, Q, P>): Route => ({
  def,
  handler: handler as Route['handler'],
});
