// Outbound HTTP to appservices: PUT /transactions/{txnId} and POST /ping
// (application-service-api "Pushing events", "Pinging"), with the CURRENT hs_token as a Bearer
// token (spec v1.4+) and a timeout. Never throws: the outcome is classified for the caller.

export type Outcome =
  | { kind: 'ok'; status: number }
  | { kind: 'bad_status'; status: number; body: string }
  | { kind: 'connection_failed'; error: string }
  | { kind: 'timeout' };

/** Only so much of an appservice's error body is kept (logs, admin API, M_BAD_STATUS). */
const MAX_ERROR_BODY = 1_000;

export async function callAppservice(url: string, method: 'PUT' | 'POST', hsToken: string, body: string, timeoutMs: number): Promise<Outcome> {
  try {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${hsToken}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return { kind: 'ok', status: res.status };
    return { kind: 'bad_status', status: res.status, body: text.slice(0, MAX_ERROR_BODY) };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { kind: 'timeout' };
    return { kind: 'connection_failed', error: err.cause?.code ?? err.cause?.message ?? err.message };
  }
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'ok':
      return `HTTP ${o.status}`;
    case 'bad_status':
      return `HTTP ${o.status}: ${o.body.slice(0, 200)}`;
    case 'connection_failed':
      return `connection failed: ${o.error}`;
    case 'timeout':
      return 'timed out';
  }
}

/** `{url}/_matrix/app/v1/<path>` without doubling the slash of a url that ends with one. */
export function appserviceUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/_matrix/app/v1/${path}`;
}
