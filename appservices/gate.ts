// AppserviceGate (core/ports/appservice-gate.ts) over the live registry: every answer comes from
// the registrations in memory, so a hot reload changes them for the next request.
import type { AppserviceGate, AppserviceIdentity } from '../core/ports/appservice-gate.ts';
import type { RoomAlias, UserId } from '../core/spec/ids.ts';
import type { ReservedNames } from '../core/users/api.ts';
import type { AppserviceRegistry } from './registry/registry.ts';
import type { Registration } from './registry/registration.ts';

const identity = (r: Registration): AppserviceIdentity => ({ id: r.id, senderUserId: r.senderUserId, rateLimited: r.rateLimited });

export function createAppserviceGate(registry: AppserviceRegistry): AppserviceGate {
  return {
    byToken(asToken) {
      const r = registry.byToken(asToken);
      return r ? identity(r) : null;
    },
    byId(appserviceId) {
      const r = registry.get(appserviceId);
      return r ? identity(r) : null;
    },
    canActAs(appserviceId: string, userId: UserId) {
      const r = registry.get(appserviceId);
      return r !== null && (r.senderUserId === userId || r.namespaces.isInterestedInUser(userId));
    },
    exclusiveUserOwner(userId: UserId) {
      return owner(registry, (r) => r.senderUserId === userId || r.namespaces.matchesExclusive('users', userId));
    },
    exclusiveAliasOwner(alias: RoomAlias) {
      return owner(registry, (r) => r.namespaces.matchesExclusive('aliases', alias));
    },
  };
}

/** The first appservice (by id, for a stable answer when claims overlap) the predicate holds for. */
function owner(registry: AppserviceRegistry, claims: (r: Registration) => boolean): string | null {
  let found: string | null = null;
  for (const r of registry.active()) if (claims(r) && (found === null || r.id < found)) found = r.id;
  return found;
}

/** The users feature's ReservedNames seam, answered by the gate. */
export function createReservedNames(gate: AppserviceGate): ReservedNames {
  return {
    isExclusive: async (userId) => gate.exclusiveUserOwner(userId) !== null,
    appserviceMayUse: async (appserviceId, userId) => {
      const owner = gate.exclusiveUserOwner(userId);
      return gate.canActAs(appserviceId, userId) && (owner === null || owner === appserviceId);
    },
  };
}
