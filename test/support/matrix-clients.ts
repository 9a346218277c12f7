// matrix-js-sdk clients for e2e tests: registration through the open UIA flow, and one client
// per user in two flavours — `checked` sends through specFetch (every response must match the
// spec; failures land in `log`), `raw` uses plain fetch, for asserting error responses whose
// status the spec does not document for that endpoint.
import { createClient, type MatrixClient } from 'matrix-js-sdk';
import { specFetch, type SpecLog } from './openapi.ts';
import { rejectsWith } from './rooms-clients.ts';

// One implementation of the error assertion for every e2e helper module.
export { rejectsWith };

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  userId: string;
  checked: MatrixClient;
  raw: MatrixClient;
}

export async function registerUser(baseUrl: string, username: string, log: SpecLog): Promise<TestUser> {
  const anon = createClient({ baseUrl });
  const challenge = await rejectsWith(anon.registerRequest({ username, password: TEST_PASSWORD }), 401);
  const session = challenge.data!.session as string;
  const r = await anon.registerRequest({ username, password: TEST_PASSWORD, auth: { type: 'm.login.dummy', session } });
  const opts = { baseUrl, userId: r.user_id, accessToken: r.access_token, deviceId: r.device_id };
  return {
    userId: r.user_id,
    checked: createClient({ ...opts, fetchFn: specFetch(baseUrl, 'client-server', { log }) }),
    raw: createClient(opts),
  };
}
