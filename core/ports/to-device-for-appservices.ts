// What appservice delivery needs from the to-device feature (MSC2409 / application-service-api
// "Pushing events": to_device in transactions for appservices with receive_to_device): the
// messages sent to devices of users the appservice is interested in, by stream position, so the
// delivery cursor can move in the same database transaction that stores them.

/** One to-device message as pushed to an appservice (MSC2409 adds the recipient fields). */
export interface AppserviceToDeviceMessage {
  type: string;
  sender: string;
  to_user_id: string;
  to_device_id: string;
  content: Record<string, unknown>;
}

export interface ToDeviceForAppservices {
  /** The newest committed position of the to-device stream. */
  currentPosition(): Promise<number>;
  /**
   * Messages for devices of the given local users with since < position <= upto, oldest first
   * (all of them: delivery splits them into transactions of at most 100).
   */
  messagesFor(userIds: readonly string[], since: number, upto: number): Promise<AppserviceToDeviceMessage[]>;
}
