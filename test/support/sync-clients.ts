// matrix-js-sdk clients that sync against the hub; every response is checked against the
// spec (specFetch, one shared SpecLog), startClient()'s GET /pushrules/ included.
import { ClientEvent, createClient, PendingEventOrdering, SyncState, type MatrixClient } from 'matrix-js-sdk';
import { specFetch, type SpecLog } from './openapi.ts';
import type { Account } from './rooms-clients.ts';

export function syncingClient(baseUrl: string, a: Account, log: SpecLog): MatrixClient {
  const fetchFn = specFetch(baseUrl, 'client-server', { log });
  return createClient({ baseUrl, fetchFn, userId: a.userId, accessToken: a.accessToken, deviceId: a.deviceId, logger: quietLogger });
}

/** Starts the client and resolves once its first sync is processed. */
export async function startSyncing(c: MatrixClient, opts: { lazyLoadMembers?: boolean; initialSyncLimit?: number } = {}): Promise<void> {
  const ready = new Promise<void>((resolve, reject) => {
    const onSync = (state: SyncState) => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) {
        c.off(ClientEvent.Sync, onSync);
        resolve();
      } else if (state === SyncState.Error) {
        c.off(ClientEvent.Sync, onSync);
        reject(new Error('the first sync failed'));
      }
    };
    c.on(ClientEvent.Sync, onSync);
  });
  // Detached: own events enter the timeline when /sync returns them, so the timeline is the
  // server's order rather than the order of local echoes.
  await c.startClient({ pendingEventOrdering: PendingEventOrdering.Detached, lazyLoadMembers: opts.lazyLoadMembers ?? false, initialSyncLimit: opts.initialSyncLimit ?? 20 });
  await ready;
}

/** Polls until `check` returns a value (not undefined/false), or fails after timeoutMs. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const noop = () => {};
const quietLogger = {
  trace: noop, debug: noop, info: noop, warn: noop, error: noop,
  getChild: () => quietLogger,
} as unknown as NonNullable<Parameters<typeof createClient>[0]['logger']>;
