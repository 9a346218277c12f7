// One canonical encoding of an event, from which every byte string the protocol needs is cut:
// the content hash input (server-server-api "Calculating the content hash for an event": the
// event without unsigned, signatures, hashes), the signed bytes, which are also what the
// reference hash covers ("Signing Details", "Calculating the reference hash": the redacted
// event without signatures, unsigned), and the size of the whole event (client-server-api "Size
// limits"). Each top-level member is encoded once; redaction only swaps in a smaller `content`.
//
// This is the hot path of building and receiving events: the old way encoded each event two
// or three times over and copied it for the redaction.

import { encodeCanonicalJson, encodeMembersOf } from './canonical-json.ts';
import type { JsonObject, JsonValue } from './pdu.ts';
import { redactedContent, redactionKeepsTopLevel } from './redaction.ts';
import type { RoomVersion } from './room-versions.ts';

const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export class EncodedEvent {
  private readonly event: JsonObject;
  private readonly version: RoomVersion;
  private readonly keys: string[];
  private readonly parts: string[];

  /** Throws MatrixError(M_BAD_JSON) if a member is not canonical JSON for the room version. */
  constructor(event: JsonObject, version: RoomVersion) {
    this.event = event;
    this.version = version;
    const { keys, parts } = encodeMembersOf(event, { strict: version.strictCanonicalJson });
    this.keys = keys;
    this.parts = parts;
  }

  /**
   * Sets a member on the event and re-encodes only it (e.g. `hashes` once the content hash is
   * known, `signatures` once signed). The member must already be on the event, so the key
   * order is unchanged.
   */
  replace(key: string, value: JsonValue): void {
    const i = this.keys.indexOf(key);
    if (i < 0) throw new Error(`EncodedEvent.replace: no member ${key}`);
    this.event[key] = value;
    this.parts[i] = encodeCanonicalJson(key) + ':' + encodeCanonicalJson(value, { strict: this.version.strictCanonicalJson });
  }

  /** Canonical JSON of the event without `unsigned`, `signatures`, `hashes`: the content hash input. */
  contentHashInput(): string {
    const { keys, parts } = this;
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === 'unsigned' || k === 'signatures' || k === 'hashes') continue;
      out += (out.length === 1 ? '' : ',') + parts[i];
    }
    return out + '}';
  }

  /**
   * Canonical JSON of the redacted event without `signatures` and `unsigned`: the bytes every
   * signature covers and the reference hash input.
   */
  signedBytes(): string {
    const { keys, parts, version } = this;
    const top = redactionKeepsTopLevel(version);
    let out = '{';
    let sawContent = false;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (k === 'signatures' || k === 'unsigned' || !top.has(k)) continue;
      let part = parts[i];
      if (k === 'content') {
        sawContent = true;
        const kept = redactedContent(this.event, version);
        if (!kept.whole) part = '"content":' + encodeCanonicalJson(kept.content, { strict: version.strictCanonicalJson });
      } else if (!sawContent && k > 'content') {
        // A redacted event always carries `content` (see redactEvent), even if this one has none.
        sawContent = true;
        out += (out.length === 1 ? '' : ',') + '"content":{}';
      }
      out += (out.length === 1 ? '' : ',') + part;
    }
    if (!sawContent) out += (out.length === 1 ? '' : ',') + '"content":{}';
    return out + '}';
  }

  /** UTF-8 size of the whole event as canonical JSON, given its content hash input (see above). */
  canonicalSize(contentHashInput: string): number {
    const { keys, parts } = this;
    let size = utf8Bytes(contentHashInput);
    let empty = contentHashInput === '{}';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== 'unsigned' && k !== 'signatures' && k !== 'hashes') continue;
      size += utf8Bytes(parts[i] as string) + (empty ? 0 : 1);
      empty = false;
    }
    return size;
  }
}
