// Outbound queries to appservices (application-service-api "Querying"; "Third party networks").
// Contract: these requests are made on demand while a client waits, so they have a short
// timeout of their own and their own concurrency limit, and never share a queue or a connection
// budget with transaction delivery (appservices/delivery). Every failure — refused connection,
// timeout, non-2xx, unparsable body — becomes `{ ok: false }`: the caller answers the client with
// its own error (M_NOT_FOUND), never the appservice's (DESIGN §4.3).
import type { Registration } from '../registry/registration.ts';

export interface QueryClientConfig {
  /** Milliseconds before a query counts as failed. */
  timeoutMs: number;
  /** Queries in flight to all appservices together; more wait their turn. */
  concurrency: number;
}

export type QueryResult = { ok: true; status: number; body: unknown } | { ok: false; reason: 'not_found' | 'timeout' | 'error' };

/** The `hs_token` authenticates the homeserver to the appservice (spec v1.4: Authorization header). */
export class AppserviceQueryClient {
  readonly #config: QueryClientConfig;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(config: QueryClientConfig) {
    this.#config = config;
  }

  /** GET {url}{path}?query; `path` starts with /_matrix/app/v1. */
  async get(as: Pick<Registration, 'url' | 'hsToken'>, path: string, query: Record<string, string> = {}): Promise<QueryResult> {
    if (as.url === null) return { ok: false, reason: 'not_found' };
    const url = new URL(as.url.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    await this.#acquire();
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${as.hsToken}` },
        signal: AbortSignal.timeout(this.#config.timeoutMs),
      });
      const text = await res.text();
      if (res.status === 404) return { ok: false, reason: 'not_found' };
      if (!res.ok) return { ok: false, reason: 'error' };
      try {
        return { ok: true, status: res.status, body: text === '' ? {} : (JSON.parse(text) as unknown) };
      } catch {
        return { ok: false, reason: 'error' };
      }
    } catch (e) {
      const name = (e as { name?: string }).name;
      return { ok: false, reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error' };
    } finally {
      this.#release();
    }
  }

  async #acquire(): Promise<void> {
    if (this.#active < this.#config.concurrency) {
      this.#active++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter, so #active stays the same.
    if (next) next();
    else this.#active--;
  }
}
