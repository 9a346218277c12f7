// mautrix's `permissions` map: the most specific key wins — a full user id, then the user's server
// name, then `*`; no match is `none`.
import type { PermissionLevel } from './config.ts';

const RANK: Record<PermissionLevel, number> = { none: 0, relay: 1, user: 2, admin: 3 };

export function permissionOf(permissions: Readonly<Record<string, PermissionLevel>>, userId: string): PermissionLevel {
  const server = userId.slice(userId.indexOf(':') + 1);
  return permissions[userId] ?? permissions[server] ?? permissions['*'] ?? 'none';
}

export function allows(have: PermissionLevel, need: PermissionLevel): boolean {
  return RANK[have] >= RANK[need];
}
