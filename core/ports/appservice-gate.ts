// What core needs from the appservice hub to authenticate and authorise requests (DESIGN §2,
// core/ports). core/http and core/main depend on this interface; appservices/gate.ts implements
// it over the live registry. Every method answers from memory: it sits on the request path.
import type { RoomAlias, UserId } from '../spec/ids.ts';

/** The facts about one loaded appservice that the request path needs. */
export interface AppserviceIdentity {
  readonly id: string;
  /** `@<sender_localpart>:<server_name>`: who the appservice is when it names no `user_id`. */
  readonly senderUserId: UserId;
  /** Registration `rate_limited` (default true). */
  readonly rateLimited: boolean;
}

export interface AppserviceGate {
  /** The appservice whose `as_token` this is, or null. */
  byToken(asToken: string): AppserviceIdentity | null;
  byId(appserviceId: string): AppserviceIdentity | null;
  /**
   * application-service-api "Identity assertion": the appservice may act as its sender and as
   * any user in one of its users namespaces (exclusive or not).
   */
  canActAs(appserviceId: string, userId: UserId): boolean;
  /** The id of the appservice that claims this user id exclusively, or null. */
  exclusiveUserOwner(userId: UserId): string | null;
  /** The id of the appservice that claims this alias exclusively, or null. */
  exclusiveAliasOwner(alias: RoomAlias): string | null;
}
