// What the ping handler (core/api/client/appservice-ping.ts) needs from the appservice hub
// (client-server-api "POST /_matrix/client/v1/appservice/{appserviceId}/ping");
// appservices/delivery/ping.ts implements it.
export interface AppservicePing {
  /**
   * Pings the appservice `appserviceId` on behalf of the appservice `callerId` (only an
   * appservice may ping itself: M_FORBIDDEN otherwise). Resolves with the round trip in ms, or
   * throws MatrixError M_URL_NOT_SET, M_BAD_STATUS (status, body), M_CONNECTION_FAILED or
   * M_CONNECTION_TIMEOUT. A successful ping also retries any queued transactions at once.
   */
  ping(callerId: string, appserviceId: string, transactionId: string | undefined): Promise<{ duration_ms: number }>;
}
