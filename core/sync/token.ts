// The `since`/`next_batch` token of /sync: one position per stream, so a token names a point in
// every stream at once and survives restarts (positions are stored, never per-process counters).
// Format: `s<events>_<receipts>_<accountData>_<presence>_<typing>_<toDevice>_<deviceLists>`;
// missing trailing parts read as 0, so tokens from before a stream existed stay valid.
import { MatrixError } from '../spec/errors.ts';

export interface SyncPosition {
  events: number;
  receipts: number;
  accountData: number;
  presence: number;
  typing: number;
  toDevice: number;
  deviceLists: number;
}

const ORDER = ['events', 'receipts', 'accountData', 'presence', 'typing', 'toDevice', 'deviceLists'] as const;

export const ZERO_POSITION: Readonly<SyncPosition> = Object.freeze({
  events: 0,
  receipts: 0,
  accountData: 0,
  presence: 0,
  typing: 0,
  toDevice: 0,
  deviceLists: 0,
});

export function formatSyncToken(p: SyncPosition): string {
  return `s${ORDER.map((k) => p[k]).join('_')}`;
}

export function parseSyncToken(token: string): SyncPosition {
  const m = /^s(\d+(?:_\d+){0,6})$/.exec(token);
  if (!m) throw new MatrixError('M_INVALID_PARAM', 'Unknown or malformed sync token');
  const parts = m[1]!.split('_').map(Number);
  if (parts.some((n) => !Number.isSafeInteger(n))) throw new MatrixError('M_INVALID_PARAM', 'Malformed sync token');
  const p = { ...ZERO_POSITION };
  ORDER.forEach((k, i) => (p[k] = parts[i] ?? 0));
  return p;
}
