// Registered users for room tests: raw credentials (for fetch-level tests and benches) and
// matrix-js-sdk clients whose every response is validated against the spec (specFetch).
import assert from 'node:assert/strict';
import { createClient, type MatrixClient } from 'matrix-js-sdk';
import { specFetch } from './openapi.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface Account {
  userId: string;
  accessToken: string;
  deviceId: string;
}

/** Registers through the m.login.dummy UIA flow (REGISTRATION_MODE=open). */
export async function registerAccount(baseUrl: string, username: string): Promise<Account> {
  const post = (body: unknown) =>
    fetch(`${baseUrl}/_matrix/client/v3/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const first = (await (await post({ username, password: TEST_PASSWORD })).json()) as { session: string };
  const res = await post({ username, password: TEST_PASSWORD, auth: { type: 'm.login.dummy', session: first.session } });
  const json = (await res.json()) as { user_id: string; access_token: string; device_id: string };
  assert.equal(res.status, 200, JSON.stringify(json));
  return { userId: json.user_id, accessToken: json.access_token, deviceId: json.device_id };
}

/** Logs in again: a second device of the same user. */
export async function loginAccount(baseUrl: string, userId: string): Promise<Account> {
  const res = await fetch(`${baseUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password: TEST_PASSWORD }),
  });
  const json = (await res.json()) as { user_id: string; access_token: string; device_id: string };
  assert.equal(res.status, 200, JSON.stringify(json));
  return { userId: json.user_id, accessToken: json.access_token, deviceId: json.device_id };
}

export function sdkClient(baseUrl: string, a: Account): MatrixClient {
  return createClient({ baseUrl, fetchFn: specFetch(baseUrl, 'client-server'), userId: a.userId, accessToken: a.accessToken, deviceId: a.deviceId });
}

/** A fetch-level Client-Server call: status and JSON body. */
export async function csCall(
  baseUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/_matrix/client/v3${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export interface MatrixErrorLike {
  httpStatus?: number;
  errcode?: string;
  data?: Record<string, unknown>;
}

export async function rejectsWith(p: Promise<unknown>, status: number, errcode?: string): Promise<MatrixErrorLike> {
  try {
    await p;
  } catch (e) {
    const err = e as MatrixErrorLike;
    assert.equal(err.httpStatus, status, `expected HTTP ${status}, got ${err.httpStatus} ${err.errcode}: ${(e as Error).message}`);
    if (errcode) assert.equal(err.errcode, errcode);
    return err;
  }
  assert.fail(`expected HTTP ${status}${errcode ? ` ${errcode}` : ''}, but the request succeeded`);
}
