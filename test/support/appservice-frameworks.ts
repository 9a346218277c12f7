// Helpers for the appservice framework tests: a plain HTTP Matrix client for the human side, a
// free port for the appservice's listener, and polling until a dropped registration is live.
import { createServer } from 'node:net';

export interface Http {
  status: number;
  body: Record<string, unknown>;
}

/** One Client-Server request; `token` is an access token or an as_token. */
export async function call(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<Http> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Registers a user through the open registration flow; returns its id and access token. */
export async function registerHuman(base: string, username: string): Promise<{ userId: string; token: string }> {
  const first = await call(base, 'POST', '/_matrix/client/v3/register', null, { username, password: 'a long enough password' });
  const session = first.body.session as string;
  const r = await call(base, 'POST', '/_matrix/client/v3/register', null, {
    username,
    password: 'a long enough password',
    auth: { type: 'm.login.dummy', session },
  });
  if (r.status !== 200) throw new Error(`register ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return { userId: r.body.user_id as string, token: r.body.access_token as string };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls until the hub accepts the as_token (a registration file was picked up). */
export async function waitForAppservice(base: string, asToken: string, timeoutMs = 10_000): Promise<Http> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(base, 'GET', '/_matrix/client/v3/account/whoami', asToken);
    if (r.status === 200) return r;
    if (Date.now() > deadline) throw new Error(`appservice not active after ${timeoutMs} ms: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
