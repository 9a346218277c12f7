// Input checks on events clients send. Spec: client-server-api "Size limits" (type and
// state_key at most 255 bytes; the whole event 65,536 bytes, enforced when the PDU is built) and
// "Event types" (no empty type).
import { MatrixError } from '../spec/errors.ts';
import { MAX_EVENT_KEY_BYTES } from '../events/event-format.ts';

export function validateEventType(type: unknown): string {
  if (typeof type !== 'string' || type.length === 0) throw new MatrixError('M_INVALID_PARAM', 'Event type must be a non-empty string');
  if (Buffer.byteLength(type) > MAX_EVENT_KEY_BYTES) throw new MatrixError('M_TOO_LARGE', 'Event type is longer than 255 bytes');
  return type;
}

export function validateStateKey(key: unknown): string {
  if (typeof key !== 'string') throw new MatrixError('M_INVALID_PARAM', 'state_key must be a string');
  if (Buffer.byteLength(key) > MAX_EVENT_KEY_BYTES) throw new MatrixError('M_TOO_LARGE', 'state_key is longer than 255 bytes');
  return key;
}
