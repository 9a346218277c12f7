// Third-party networks (client-server-api "Third-party Networks"): what the /thirdparty
// handlers need from the appservice hub, which asks the appservices that declared the protocol.
export type JsonObj = Record<string, unknown>;

export interface ThirdPartyLookups {
  /** protocol → metadata, instances of every appservice merged. */
  protocols(): Promise<Record<string, JsonObj>>;
  /** M_NOT_FOUND for a protocol no appservice declares. */
  protocol(protocol: string): Promise<JsonObj>;
  /** Portal rooms matching `fields`; M_NOT_FOUND for an unknown protocol. */
  locations(protocol: string, fields: Record<string, string>): Promise<JsonObj[]>;
  /** Remote users matching `fields`; M_NOT_FOUND for an unknown protocol. */
  users(protocol: string, fields: Record<string, string>): Promise<JsonObj[]>;
  /** Portal rooms behind a Matrix alias; M_NOT_FOUND when none. */
  locationsByAlias(alias: string): Promise<JsonObj[]>;
  /** Remote users behind a Matrix user id; M_NOT_FOUND when none. */
  usersByUserId(userId: string): Promise<JsonObj[]>;
}
