// When no registration shared secret is configured, the server makes one in its data dir on
// first start (mode 0600), so `switchyard register-user` works on a fresh install with no setup.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'registration_shared_secret';

export async function readSharedSecret(dataDir: string): Promise<string | null> {
  try {
    return (await readFile(join(dataDir, FILE), 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

export async function readOrCreateSharedSecret(dataDir: string): Promise<string> {
  const existing = await readSharedSecret(dataDir);
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  try {
    await writeFile(join(dataDir, FILE), secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    // Another process created it first: use theirs.
    return (await readSharedSecret(dataDir)) ?? secret;
  }
}
