// `switchyard register-user`: Synapse's shared-secret registration, as register_new_matrix_user
// does it — GET a nonce, POST the user with HMAC-SHA1(secret, nonce\0user\0password\0admin|notadmin).
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import type { Config } from '../config/schema.ts';
import { readSharedSecret } from '../users/shared-secret-file.ts';

export interface RegisterUserOptions {
  user?: string;
  password?: string;
  admin: boolean;
  url?: string;
}

export async function registerUser(config: Config, opts: RegisterUserOptions): Promise<number> {
  if (!opts.user) {
    console.error('register-user: --user is required');
    return 2;
  }
  const secret = config.registration.sharedSecret ?? (await readSharedSecret(config.dataDir));
  if (!secret) {
    console.error('register-user: no shared secret: set registration.shared_secret or start the server once');
    return 2;
  }
  const password = opts.password ?? (await askPassword());
  const base = (opts.url ?? config.publicBaseurl).replace(/\/$/, '');
  const endpoint = `${base}/_synapse/admin/v1/register`;
  const nonceRes = await fetch(endpoint);
  if (!nonceRes.ok) return fail(nonceRes);
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const mac = createHmac('sha1', secret)
    .update([nonce, opts.user, password, opts.admin ? 'admin' : 'notadmin'].join('\0'))
    .digest('hex');
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nonce, username: opts.user, password, admin: opts.admin, mac }),
  });
  if (!res.ok) return fail(res);
  const body = (await res.json()) as { user_id: string };
  console.log(`Registered ${body.user_id}`);
  return 0;
}

async function fail(res: Response): Promise<number> {
  const text = await res.text();
  let message = text;
  try {
    const j = JSON.parse(text) as { errcode?: string; error?: string };
    message = `${j.errcode ?? ''} ${j.error ?? ''}`.trim();
  } catch {
    /* not JSON: print as is */
  }
  console.error(`register-user: the server answered ${res.status}: ${message}`);
  return 1;
}

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new Error('register-user: no --password given and no terminal to ask on');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question('Password: ');
  } finally {
    rl.close();
  }
}
