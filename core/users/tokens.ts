// Opaque secrets handed to clients (access and refresh tokens, UIA sessions, nonces) and the
// hash under which tokens are stored: the database never holds a usable token.
import { createHash, randomBytes, randomInt } from 'node:crypto';

const TOKEN_BYTES = 32;
export const ACCESS_TOKEN_PREFIX = 'syt_';
export const REFRESH_TOKEN_PREFIX = 'syr_';

/** 256 random bits, url-safe base64, with a prefix that tells token kinds apart in logs and scanners. */
export function newToken(prefix: string): string {
  return prefix + randomBytes(TOKEN_BYTES).toString('base64url');
}

export const newAccessToken = (): string => newToken(ACCESS_TOKEN_PREFIX);
export const newRefreshToken = (): string => newToken(REFRESH_TOKEN_PREFIX);

/** An opaque id (UIA session, nonce): 128 random bits, url-safe base64. */
export const newOpaqueId = (): string => randomBytes(16).toString('base64url');

/** sha256 of the token: what the database stores and looks up. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

const DEVICE_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DEVICE_ID_LENGTH = 10;

/** Device ids like Synapse's: ten upper-case letters. */
export function newDeviceId(): string {
  let id = '';
  for (let i = 0; i < DEVICE_ID_LENGTH; i++) id += DEVICE_ID_ALPHABET[randomInt(DEVICE_ID_ALPHABET.length)];
  return id;
}

const LOCALPART_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const GENERATED_LOCALPART_LENGTH = 12;

/** A localpart for registrations that gave no username. */
export function newLocalpart(): string {
  let id = '';
  for (let i = 0; i < GENERATED_LOCALPART_LENGTH; i++) id += LOCALPART_ALPHABET[randomInt(LOCALPART_ALPHABET.length)];
  return id;
}
