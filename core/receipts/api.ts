// The narrow interfaces of the receipts feature (client-server-api "Receipts" and "Read and
// unread markers"): handlers use ReceiptsApi, /sync uses ReceiptsForSync.
import type { Requester } from '../spec/endpoint.ts';

export type ReceiptType = 'm.read' | 'm.read.private';

export interface ReadMarkers {
  fullyRead?: string;
  read?: string;
  readPrivate?: string;
}

export interface ReceiptsApi {
  /** POST /rooms/{roomId}/receipt/{receiptType}/{eventId}; m.fully_read sets the read marker. */
  postReceipt(requester: Requester, roomId: string, receiptType: string, eventId: string, body: Record<string, unknown>): Promise<void>;
  /** POST /rooms/{roomId}/read_markers. */
  setReadMarkers(requester: Requester, roomId: string, markers: ReadMarkers): Promise<void>;
}

/** {eventId: {receiptType: {userId: {ts, thread_id?}}}} — the content of m.receipt. */
export type ReceiptContent = Record<string, Record<string, Record<string, { ts: number; thread_id?: string }>>>;

export interface RoomReceipts {
  roomId: string;
  event: { type: 'm.receipt'; content: ReceiptContent };
}

export interface ReceiptsForSync {
  /** The newest committed position of the receipts stream. */
  currentPosition(): Promise<number>;
  /**
   * Receipts in these rooms written after `since` up to `upto` (since 0: all), one m.receipt
   * per room with changes. m.read.private receipts appear only to their owner, `viewer`.
   */
  receiptsSince(viewer: string, roomIds: readonly string[], since: number, upto: number): Promise<RoomReceipts[]>;
}
