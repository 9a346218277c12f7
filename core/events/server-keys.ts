// The server's own signing keys. Spec: server-server-api "Retrieving server keys" /
// "Publishing Keys" (GET /_matrix/key/v2/server: server_name, verify_keys, old_verify_keys with
// expired_ts, valid_until_ts, signed by every current key). The key file uses Synapse's format,
// one key a line: `ed25519 <version> <unpadded base64 seed>`, so keys move between the two.
// loadOrCreateSigningKeys is the only I/O in core/events.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MatrixError } from '../spec/errors.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { randomAlnum } from './hashes.ts';
import type { JsonObject } from './pdu.ts';
import { ED25519_SEED_BYTES, signJson, signingKeyFromSeed } from './signing.ts';
import type { SigningKey } from './signing.ts';

/** Length of the random part of generated key versions (`a_` + 4, as Synapse does). */
const KEY_VERSION_RANDOM_CHARS = 4;

export function generateSigningKey(version?: string): SigningKey {
  return signingKeyFromSeed(randomBytes(ED25519_SEED_BYTES), `ed25519:${version ?? 'a_' + randomAlnum(KEY_VERSION_RANDOM_CHARS)}`);
}

export function formatSigningKeyFile(keys: readonly SigningKey[]): string {
  return keys.map((k) => `ed25519 ${k.keyId.slice('ed25519:'.length)} ${encodeBase64(k.seed)}\n`).join('');
}

/** Parses Synapse's signing key file. Blank lines are skipped; anything else malformed is M_INVALID_PARAM. */
export function parseSigningKeyFile(text: string): SigningKey[] {
  if (typeof text !== 'string') throw new MatrixError('M_INVALID_PARAM', 'signing key file is not text');
  const keys: SigningKey[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const parts = trimmed.split(/\s+/);
    if (parts.length !== 3 || parts[0] !== 'ed25519') {
      throw new MatrixError('M_INVALID_PARAM', `signing key file line ${i + 1}: expected "ed25519 <version> <seed>"`);
    }
    const seed = decodeBase64(parts[2]);
    if (seed === null || seed.length !== ED25519_SEED_BYTES) {
      throw new MatrixError('M_INVALID_PARAM', `signing key file line ${i + 1}: seed is not 32 bytes of base64`);
    }
    keys.push(signingKeyFromSeed(seed, `ed25519:${parts[1]}`));
  });
  return keys;
}

/** Reads the key file at `path`, or creates it (mode 0600) with one fresh key. Returns all keys, first is current. */
export async function loadOrCreateSigningKeys(path: string): Promise<SigningKey[]> {
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== null) {
    const keys = parseSigningKeyFile(text);
    if (keys.length === 0) throw new MatrixError('M_INVALID_PARAM', `signing key file ${path} holds no key`);
    return keys;
  }
  const key = generateSigningKey();
  await mkdir(dirname(path), { recursive: true });
  // 'wx' so two processes starting at once cannot both write: the loser reads the winner's key.
  try {
    await writeFile(path, formatSigningKeyFile([key]), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSigningKeys(path);
    throw e;
  }
  return [key];
}

export interface OldVerifyKey {
  readonly keyId: string;
  /** Unpadded base64 of the 32-byte public key. */
  readonly key: string;
  readonly expiredTs: number;
}

export interface ServerKeysInput {
  readonly serverName: string;
  /** Current keys: published in verify_keys and each signs the response. */
  readonly keys: readonly SigningKey[];
  readonly oldKeys?: readonly OldVerifyKey[];
  readonly validUntilTs: number;
}

/** Builds the signed body of GET /_matrix/key/v2/server. Pure. */
export function buildServerKeysResponse(input: ServerKeysInput): JsonObject {
  if (input.keys.length === 0) throw new MatrixError('M_INVALID_PARAM', 'server keys response needs a current key');
  if (!Number.isSafeInteger(input.validUntilTs)) throw new MatrixError('M_INVALID_PARAM', 'valid_until_ts must be an integer');
  const verify_keys: JsonObject = {};
  for (const k of input.keys) verify_keys[k.keyId] = { key: k.publicKeyBase64 };
  const old_verify_keys: JsonObject = {};
  for (const k of input.oldKeys ?? []) {
    if (!Number.isSafeInteger(k.expiredTs)) throw new MatrixError('M_INVALID_PARAM', 'expired_ts must be an integer');
    old_verify_keys[k.keyId] = { key: k.key, expired_ts: k.expiredTs };
  }
  let body: JsonObject = { server_name: input.serverName, verify_keys, old_verify_keys, valid_until_ts: input.validUntilTs };
  for (const k of input.keys) body = signJson(body, input.serverName, k);
  return body;
}
