// Signing JSON and events with ed25519. Spec: appendices "Signing Details" and "Checking for a
// Signature"; server-server-api "Adding hashes and signatures to outgoing events" and
// "Validating hashes and signatures on received events".
//
// The ed25519 primitive is libsodium, or node:crypto where it is missing (ed25519.ts); both are
// two orders of magnitude faster than tweetnacl, which only cross-checks them in tests. Remote
// public keys are decoded once and cached.

import { webcrypto } from 'node:crypto';
import { privateFromSeed, signRaw, verifyRaw, type Ed25519Private } from './ed25519.ts';
import { MatrixError } from '../spec/errors.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { encodeCanonicalJson } from './canonical-json.ts';
import { contentHashBase64 } from './hashes.ts';
import type { JsonObject } from './pdu.ts';
import { redactEvent } from './redaction.ts';
import type { RoomVersion } from './room-versions.ts';

export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
/** Spec (keys_server): key id = algorithm ":" version, version matching [a-zA-Z0-9_]. */
export const KEY_ID_RE = /^ed25519:[a-zA-Z0-9_]+$/;

const SIGNED_OMIT = ['signatures', 'unsigned'] as const;

export interface SigningKey {
  /** `ed25519:<version>` */
  readonly keyId: string;
  readonly seed: Buffer;
  readonly publicKey: Buffer;
  readonly publicKeyBase64: string;
  readonly privateKey: Ed25519Private;
}

/** A verification key: raw 32 bytes, or their unpadded base64 as published in `verify_keys`. */
export type PublicKeyInput = Uint8Array | string;

export function isKeyId(s: unknown): s is string {
  return typeof s === 'string' && KEY_ID_RE.test(s);
}

export function signingKeyFromSeed(seed: Uint8Array, keyId: string): SigningKey {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_BYTES) {
    throw new MatrixError('M_INVALID_PARAM', 'ed25519 seed must be 32 bytes');
  }
  if (!isKeyId(keyId)) throw new MatrixError('M_INVALID_PARAM', `bad signing key id: ${String(keyId)}`);
  const seedBuf = Buffer.from(seed);
  const privateKey = privateFromSeed(seedBuf);
  const publicKey = privateKey.publicKey;
  return { keyId, seed: seedBuf, publicKey, publicKeyBase64: encodeBase64(publicKey), privateKey };
}

// Remote keys are looked up again and again for every event a server sends: decode each once.
const PUBLIC_KEY_CACHE_MAX = 10_000;
const publicKeyCache = new Map<string, Uint8Array>();

function publicKeyBytes(key: PublicKeyInput): Uint8Array | null {
  if (key instanceof Uint8Array) return key.length === ED25519_PUBLIC_KEY_BYTES ? key : null;
  if (typeof key !== 'string') return null;
  const cached = publicKeyCache.get(key);
  if (cached !== undefined) return cached;
  const raw = decodeBase64(key);
  if (raw === null || raw.length !== ED25519_PUBLIC_KEY_BYTES) return null;
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_MAX) publicKeyCache.clear();
  publicKeyCache.set(key, raw);
  return raw;
}

export function signBytes(key: SigningKey, data: string | Uint8Array): Buffer {
  return signRaw(key.privateKey, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}

/** True iff `signature` (64 raw bytes or unpadded base64) is valid for `data` under `publicKey`. Never throws. */
export function verifyBytes(publicKey: PublicKeyInput, data: string | Uint8Array, signature: Uint8Array | string): boolean {
  const pub = publicKeyBytes(publicKey);
  const sig = typeof signature === 'string' ? decodeBase64(signature) : signature instanceof Uint8Array ? signature : null;
  if (pub === null || sig === null || sig.length !== ED25519_SIGNATURE_BYTES) return false;
  return verifyRaw(pub, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, sig);
}

// WebCrypto runs each verification as a job on libuv's thread pool: the answer is the same as
// verifyBytes', but concurrent calls use every core while the main thread does other work.
const cryptoKeyCache = new Map<string, Promise<webcrypto.CryptoKey | null>>();

function publicCryptoKey(key: PublicKeyInput): Promise<webcrypto.CryptoKey | null> {
  const b64 = typeof key === 'string' ? key : key instanceof Uint8Array ? encodeBase64(key) : null;
  if (b64 === null) return Promise.resolve(null);
  let cached = cryptoKeyCache.get(b64);
  if (cached === undefined) {
    const raw = typeof key === 'string' ? decodeBase64(key) : key;
    cached =
      raw === null || raw.length !== ED25519_PUBLIC_KEY_BYTES
        ? Promise.resolve(null)
        : webcrypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']).catch(() => null);
    if (cryptoKeyCache.size >= PUBLIC_KEY_CACHE_MAX) cryptoKeyCache.clear();
    cryptoKeyCache.set(b64, cached);
  }
  return cached;
}

/** verifyBytes off the main thread (see above). Never rejects. */
export async function verifyBytesAsync(
  publicKey: PublicKeyInput,
  data: string | Uint8Array,
  signature: Uint8Array | string,
): Promise<boolean> {
  const sig = typeof signature === 'string' ? decodeBase64(signature) : signature instanceof Uint8Array ? signature : null;
  if (sig === null || sig.length !== ED25519_SIGNATURE_BYTES) return false;
  const key = await publicCryptoKey(publicKey);
  if (key === null) return false;
  try {
    return await webcrypto.subtle.verify('Ed25519', key, sig, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  } catch {
    return false;
  }
}

function asObject(v: unknown, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MatrixError('M_BAD_JSON', `${what} is not an object`);
  return v as JsonObject;
}

/** Copies `signatures` and adds one; keeps other entities' signatures. */
function withSignature(existing: unknown, entity: string, keyId: string, sig: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (typeof existing === 'object' && existing !== null && !Array.isArray(existing)) {
    for (const [name, sigs] of Object.entries(existing)) {
      if (typeof sigs === 'object' && sigs !== null && !Array.isArray(sigs)) out[name] = { ...(sigs as Record<string, string>) };
    }
  }
  out[entity] = { ...out[entity], [keyId]: sig };
  return out;
}

/** Spec "Signing Details": signs `obj` without `signatures`/`unsigned`; returns a signed copy. */
export function signJson<T extends JsonObject>(obj: T, entity: string, key: SigningKey, opts?: { strict?: boolean }): T {
  const o = asObject(obj, 'signed JSON');
  const sig = encodeBase64(signBytes(key, encodeCanonicalJson(o, { strict: opts?.strict ?? true, omit: SIGNED_OMIT })));
  return { ...obj, signatures: withSignature(o.signatures, entity, key.keyId, sig) };
}

export type SignatureCheck = { ok: true; keyIds: string[] } | { ok: false; reason: string };
/** verifyBytes' shape: lets a caller batch or defer the verifications a check asks for. */
export type SignatureVerifier = (publicKey: PublicKeyInput, data: string | Uint8Array, signature: string) => boolean;

/**
 * Spec "Checking for a Signature", over already-encoded signed bytes. Signatures whose key the
 * lookup does not know are skipped (server-server-api: "If a signature is from an unknown or
 * expired key, it is skipped"); at least one must verify and none from a known key may fail.
 */
export function checkSignaturesOf(
  signatures: unknown,
  signedBytes: string | Uint8Array,
  entity: string,
  lookup: (keyId: string) => PublicKeyInput | null,
  verify: SignatureVerifier = verifyBytes,
): SignatureCheck {
  if (typeof signatures !== 'object' || signatures === null || Array.isArray(signatures)) {
    return { ok: false, reason: 'no signatures object' };
  }
  const mine: unknown = Object.hasOwn(signatures, entity) ? (signatures as Record<string, unknown>)[entity] : undefined;
  if (typeof mine !== 'object' || mine === null || Array.isArray(mine)) return { ok: false, reason: `not signed by ${entity}` };
  const verified: string[] = [];
  let known = 0;
  for (const [keyId, sig] of Object.entries(mine)) {
    if (!keyId.startsWith('ed25519:')) continue; // algorithms we do not understand are removed
    const pub = lookup(keyId);
    if (pub === null || pub === undefined) continue;
    known++;
    if (typeof sig !== 'string' || !verify(pub, signedBytes, sig)) {
      return { ok: false, reason: `bad signature from ${entity} with ${keyId}` };
    }
    verified.push(keyId);
  }
  if (known === 0) return { ok: false, reason: `no known key of ${entity} signed this` };
  return { ok: true, keyIds: verified };
}

/** Checks `entity`'s signature on a signed JSON object (e.g. a key response, an invite's `signed`). */
export function verifyJson(
  obj: unknown,
  entity: string,
  lookup: (keyId: string) => PublicKeyInput | null,
  opts?: { strict?: boolean },
): SignatureCheck {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { ok: false, reason: 'not an object' };
  let bytes: string;
  try {
    bytes = encodeCanonicalJson(obj, { strict: opts?.strict ?? true, omit: SIGNED_OMIT });
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : 'cannot encode' };
  }
  return checkSignaturesOf((obj as JsonObject).signatures, bytes, entity, lookup);
}

/** The bytes an event signature covers: the redacted event without `signatures`/`unsigned`. */
export function eventSignedBytes(event: unknown, version: RoomVersion): string {
  return encodeCanonicalJson(redactEvent(event, version), { strict: version.strictCanonicalJson, omit: SIGNED_OMIT });
}

/**
 * Spec "Adding hashes and signatures to outgoing events": sets `hashes.sha256` to the content
 * hash, then signs the redacted form and copies the signature back. Returns a new object.
 */
export function hashAndSignEvent<T extends JsonObject>(event: T, version: RoomVersion, entity: string, key: SigningKey): T {
  const e = asObject(event, 'event');
  const hashed: JsonObject = { ...e, hashes: { sha256: contentHashBase64(e, version) } };
  const sig = encodeBase64(signBytes(key, eventSignedBytes(hashed, version)));
  const signed: JsonObject = { ...hashed, signatures: withSignature(e.signatures, entity, key.keyId, sig) };
  return signed as T;
}

/** Adds `entity`'s signature to an already-hashed event (e.g. a resident server co-signing a join). */
export function addEventSignature<T extends JsonObject>(event: T, version: RoomVersion, entity: string, key: SigningKey): T {
  const e = asObject(event, 'event');
  const sig = encodeBase64(signBytes(key, eventSignedBytes(e, version)));
  const signed: JsonObject = { ...e, signatures: withSignature(e.signatures, entity, key.keyId, sig) };
  return signed as T;
}
