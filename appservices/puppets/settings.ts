// Per-appservice puppet settings, read from Switchyard's extension keys in the registration
// (Synapse ignores unknown keys, so the same file still works there):
// - `switchyard.ghosts_in_user_directory` (default false, as Synapse leaves users of exclusive
//   appservice namespaces out of its user directory): whether this appservice's ghosts are
//   searchable. The user directory reads it through `isInUserDirectory`.
// - `switchyard.propagate_ghost_profiles` (default true): client-server-api "Events on Change of
//   Profile Information" says profile changes should be sent as m.room.member events to every
//   room the user is in. Bridges that set per-room names themselves (mautrix, most
//   matrix-appservice-bridge bridges) can switch that off for their ghosts, so renaming a ghost
//   in 500 portals does not write 500 events the bridge then overwrites.
// Only exclusive namespaces count: a double-puppeting registration (`@.*:server`, non-exclusive)
// never changes how real users are treated.
import type { UserId } from '../../core/spec/ids.ts';
import type { ProfileChangeListener } from '../../core/users/api.ts';
import type { AppserviceRegistry } from '../registry/registry.ts';
import type { Registration } from '../registry/registration.ts';

export const GHOSTS_IN_USER_DIRECTORY_KEY = 'switchyard.ghosts_in_user_directory';
export const PROPAGATE_GHOST_PROFILES_KEY = 'switchyard.propagate_ghost_profiles';

export interface PuppetSettings {
  ghostsInUserDirectory: boolean;
  propagateGhostProfiles: boolean;
}

const flag = (raw: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean => (typeof raw[key] === 'boolean' ? (raw[key] as boolean) : fallback);

export function puppetSettings(reg: Pick<Registration, 'raw'>): PuppetSettings {
  return {
    ghostsInUserDirectory: flag(reg.raw, GHOSTS_IN_USER_DIRECTORY_KEY, false),
    propagateGhostProfiles: flag(reg.raw, PROPAGATE_GHOST_PROFILES_KEY, true),
  };
}

/** The appservice whose exclusive users namespace (or sender) the user is in, if any. */
function ownerOf(registry: Pick<AppserviceRegistry, 'active'>, userId: string): Registration | null {
  for (const r of registry.active()) if (r.senderUserId === userId || r.namespaces.matchesExclusive('users', userId)) return r;
  return null;
}

export interface GhostPolicy {
  /** For the user directory: false for ghosts of appservices that keep them out of it. */
  isInUserDirectory(userId: string): boolean;
  /** Whether a profile change of this user is written to their rooms. */
  propagatesProfile(userId: string): boolean;
}

export function createGhostPolicy(registry: Pick<AppserviceRegistry, 'active'>): GhostPolicy {
  return {
    isInUserDirectory(userId) {
      const owner = ownerOf(registry, userId);
      return owner === null || puppetSettings(owner).ghostsInUserDirectory;
    },
    propagatesProfile(userId) {
      const owner = ownerOf(registry, userId);
      return owner === null || puppetSettings(owner).propagateGhostProfiles;
    },
  };
}

/** Wraps the rooms' profile listener: skipped for ghosts whose appservice opted out. */
export function ghostAwareProfileListener(policy: GhostPolicy, inner: ProfileChangeListener): ProfileChangeListener {
  return {
    onProfileChanged: async (userId: UserId, field, value) => {
      if (policy.propagatesProfile(userId)) await inner.onProfileChanged(userId, field, value);
    },
  };
}
