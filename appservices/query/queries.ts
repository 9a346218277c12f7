// On-demand user and alias queries (application-service-api "Querying": GET
// /_matrix/app/v1/users/{userId} and /_matrix/app/v1/rooms/{roomAlias}). When a client resolves
// an alias or looks up a user that does not exist yet but falls in an appservice's namespace,
// the appservice is asked to create it; a 2xx answer means "created, look again".
// Concurrent asks for the same id share one request (a burst of joins to a new portal alias
// makes one query, not one per client).
import type { AppserviceRegistry } from '../registry/registry.ts';
import type { Registration } from '../registry/registration.ts';
import type { AppserviceQueryClient } from './client.ts';

export interface AppserviceQueries {
  /** True when an appservice whose aliases namespace covers `alias` says it created it. */
  queryAlias(alias: string): Promise<boolean>;
  /** True when an appservice whose users namespace covers `userId` says the user exists now. */
  queryUser(userId: string): Promise<boolean>;
}

type Kind = 'users' | 'aliases';

export function createAppserviceQueries(deps: { registry: Pick<AppserviceRegistry, 'active'>; client: AppserviceQueryClient }): AppserviceQueries {
  const inFlight = new Map<string, Promise<boolean>>();
  const ask = (kind: Kind, id: string): Promise<boolean> => {
    const key = `${kind}\u0000${id}`;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const p = askAll(deps, kind, id).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };
  return { queryAlias: (alias) => ask('aliases', alias), queryUser: (userId) => ask('users', userId) };
}

/** Interested appservices in a stable order: exclusive claims first (they own the id), then by id. */
export function interestedIn(registry: Pick<AppserviceRegistry, 'active'>, kind: Kind, id: string): Registration[] {
  return registry
    .active()
    .filter((r) => r.url !== null && r.namespaces.matches(kind, id))
    .sort((a, b) => Number(b.namespaces.matchesExclusive(kind, id)) - Number(a.namespaces.matchesExclusive(kind, id)) || (a.id < b.id ? -1 : 1));
}

async function askAll(deps: { registry: Pick<AppserviceRegistry, 'active'>; client: AppserviceQueryClient }, kind: Kind, id: string): Promise<boolean> {
  const path = kind === 'users' ? `/_matrix/app/v1/users/${encodeURIComponent(id)}` : `/_matrix/app/v1/rooms/${encodeURIComponent(id)}`;
  // As Synapse: ask one appservice after the other until one says yes.
  for (const as of interestedIn(deps.registry, kind, id)) {
    const res = await deps.client.get(as, path);
    if (res.ok) return true;
  }
  return false;
}
