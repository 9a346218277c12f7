// Ghosts: one namespaced Matrix user per remote user, its id from the ghost template, its display
// name and avatar following the remote profile.
import type { Intent } from 'matrix-appservice-bridge';
import type { RemoteUser } from './connector.ts';
import type { Kit } from './runtime.ts';
import { fillLocalpart } from './templates.ts';

export function ghostUserId(kit: Kit, user: RemoteUser): string {
  const localpart = fillLocalpart(kit.config.appservice.ghostTemplate, { ...user.parts, id: user.id });
  return `@${localpart}:${kit.config.homeserver.serverName}`;
}

/** Registers the ghost on first sight and brings its profile up to date. */
export async function ensureGhost(kit: Kit, user: RemoteUser): Promise<Intent> {
  const userId = ghostUserId(kit, user);
  const intent = kit.bridge.getIntent(userId);
  const known = kit.store.ghost(userId);
  if (!known) await intent.ensureRegistered();
  const record = known ? { ...known } : { userId, remoteId: user.id };
  let changed = !known;
  const displayName = user.displayName ?? (known ? undefined : user.id);
  if (displayName !== undefined && displayName !== record.displayName) {
    await intent.setDisplayName(displayName);
    record.displayName = displayName;
    changed = true;
  }
  if (user.avatarUrl !== undefined && user.avatarUrl !== record.avatarUrl) {
    await intent.setAvatarUrl(user.avatarUrl);
    record.avatarUrl = user.avatarUrl;
    changed = true;
  }
  if (changed) await kit.store.putGhost(record);
  return intent;
}

/**
 * Puts a ghost in a portal room. Portals are invite-only, so the bot invites first (a join
 * attempt that fails would only add a round trip and an error line); joins are remembered per
 * process and re-checked by the homeserver anyway (joining twice is a no-op).
 */
export async function joinGhost(kit: Kit, intent: Intent, roomId: string): Promise<void> {
  const key = `${roomId}\u0000${intent.userId}`;
  if (kit.joined.has(key)) return;
  await kit.bot.invite(roomId, intent.userId).catch(() => undefined);
  await intent.join(roomId);
  kit.joined.add(key);
}
