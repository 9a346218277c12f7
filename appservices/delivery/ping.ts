// AppservicePing (core/ports/appservice-ping.ts): POST {url}/_matrix/app/v1/ping with the
// current hs_token (application-service-api "Pinging"), errors as the client-server spec lists
// them, and a retry of the queued transactions right after a successful ping.
import type { AppservicePing } from '../../core/ports/appservice-ping.ts';
import { MatrixError } from '../../core/spec/errors.ts';
import type { AppserviceRegistry } from '../registry/registry.ts';
import { appserviceUrl, callAppservice } from './http.ts';

export interface PingDeps {
  registry: AppserviceRegistry;
  timeoutMs: number;
  /** Called after a successful ping: retry queued transactions now. */
  onSuccess: (asId: string) => Promise<void>;
  now?: () => number;
}

export function createAppservicePing(deps: PingDeps): AppservicePing {
  const now = deps.now ?? Date.now;
  return {
    async ping(callerId, appserviceId, transactionId) {
      if (callerId !== appserviceId) throw new MatrixError('M_FORBIDDEN', 'An appservice may only ping itself');
      const reg = deps.registry.get(appserviceId);
      if (!reg) throw new MatrixError('M_FORBIDDEN', 'No such appservice');
      if (reg.url === null) throw new MatrixError('M_URL_NOT_SET', 'The appservice has no url');
      const started = now();
      const body = JSON.stringify(transactionId !== undefined ? { transaction_id: transactionId } : {});
      const outcome = await callAppservice(appserviceUrl(reg.url, 'ping'), 'POST', reg.hsToken, body, deps.timeoutMs);
      switch (outcome.kind) {
        case 'ok':
          await deps.onSuccess(appserviceId);
          return { duration_ms: now() - started };
        case 'bad_status':
          throw new MatrixError('M_BAD_STATUS', `The appservice answered HTTP ${outcome.status}`, { extra: { status: outcome.status, body: outcome.body } });
        case 'connection_failed':
          throw new MatrixError('M_CONNECTION_FAILED', 'Could not connect to the appservice');
        case 'timeout':
          throw new MatrixError('M_CONNECTION_TIMEOUT', 'The appservice did not answer in time');
      }
    },
  };
}
