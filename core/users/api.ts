// What other parts of Switchyard may ask of the users feature. Narrow, consumer-named
// interfaces (DESIGN §4.4); core/http depends on UsersForAuth only.
import type { UserId } from '../spec/ids.ts';

export interface ResolvedToken {
  userId: UserId;
  deviceId: string | null;
  tokenId: string;
  isGuest: boolean;
}

export type TokenLookup = ResolvedToken | { expired: true } | null;

export interface UsersForAuth {
  /** null: unknown token. { expired }: a real token past its lifetime (soft logout). */
  resolveAccessToken(token: string): Promise<TokenLookup>;
  isAdmin(userId: UserId): Promise<boolean>;
}
