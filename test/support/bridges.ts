// Helpers for the bridge host and `switchyard bridge` tests: the CLI as a child process, a server
// admin's token through the shared secret, polling, and a conversation with the echo test bridge
// (test/fixtures/bridges/echo) from a plain Matrix client.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { csCall, type Account } from './rooms-clients.ts';

const exec = promisify(execFile);
export const ECHO_MODULE = 'test/fixtures/bridges/echo/index.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node core/cli.js ...args` with exactly these environment overrides. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return exec(process.execPath, ['core/cli.js', ...args], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** Registers an admin with Synapse's shared-secret API; returns its access token. */
export async function adminToken(hubUrl: string, secret: string, username = 'root'): Promise<string> {
  const endpoint = `${hubUrl}/_synapse/admin/v1/register`;
  const password = 'a perfectly long password';
  const { nonce } = (await (await fetch(endpoint)).json()) as { nonce: string };
  const mac = createHmac('sha1', secret).update([nonce, username, password, 'admin'].join('\0')).digest('hex');
  const res = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ nonce, username, password, admin: true, mac }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Polls until check() returns a value (not undefined); fails with what it was waiting for. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface BridgeListing {
  in_process: boolean;
  bridges: { name: string; file: string; network: string | null; state: string; url: string | null; error: string | null; started_at: number | null; failures: number }[];
}

export async function listBridges(hubUrl: string, token: string): Promise<BridgeListing> {
  const res = await fetch(`${hubUrl}/_switchyard/admin/v1/bridges`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET bridges: ${res.status} ${await res.text()}`);
  return (await res.json()) as BridgeListing;
}

/** A room with the bot invited and joined. */
export async function roomWithBot(hubUrl: string, user: Account, bot: string): Promise<string> {
  const created = await csCall(hubUrl, user.accessToken, 'POST', '/createRoom', { preset: 'private_chat', invite: [bot] });
  if (created.status !== 200) throw new Error(`createRoom: ${JSON.stringify(created.json)}`);
  const roomId = created.json.room_id as string;
  await until(`${bot} to join ${roomId}`, async () => {
    const m = await csCall(hubUrl, user.accessToken, 'GET', `/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(bot)}`);
    return m.json.membership === 'join' ? true : undefined;
  });
  return roomId;
}

/** Sends `text` and waits for the bot's reply `expected`. */
export async function expectReply(hubUrl: string, user: Account, roomId: string, bot: string, text: string, expected: string): Promise<void> {
  const txn = `t${Date.now()}${Math.random()}`;
  const sent = await csCall(hubUrl, user.accessToken, 'PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`, { msgtype: 'm.text', body: text });
  if (sent.status !== 200) throw new Error(`send: ${JSON.stringify(sent.json)}`);
  await until(`the reply "${expected}"`, async () => {
    const r = await csCall(hubUrl, user.accessToken, 'GET', `/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=30`);
    const chunk = (r.json.chunk ?? []) as { sender: string; type: string; content: { body?: string } }[];
    return chunk.some((e) => e.sender === bot && e.type === 'm.room.message' && e.content.body === expected) ? true : undefined;
  });
}
