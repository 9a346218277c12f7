// A real HTTP appservice on loopback for delivery tests: records every transaction it accepts,
// checks the hs_token on every request (a wrong token is recorded as a violation, never
// accepted), and can be switched to refuse connections, answer 500 or hang.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type StandinMode = 'ok' | 'error500' | 'hang' | 'refuse';

export interface ReceivedTxn {
  txnId: string;
  body: { events: Record<string, unknown>[]; ephemeral?: Record<string, unknown>[]; [k: string]: unknown };
  receivedAt: number;
}

export class AppserviceStandin {
  hsToken: string;
  mode: StandinMode = 'ok';
  /** Every accepted transaction, in arrival order (retries of an accepted txnId included). */
  readonly accepted: ReceivedTxn[] = [];
  readonly pings: { transactionId?: string }[] = [];
  /** Requests that carried the wrong hs_token. */
  readonly badTokens: string[] = [];
  attempts = 0;
  onTxn: ((t: ReceivedTxn) => void) | null = null;
  #server: Server | null = null;
  #port = 0;
  readonly #sockets = new Set<Socket>();

  constructor(hsToken: string) {
    this.hsToken = hsToken;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening: connections are refused until start() again on the same port. */
  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    if (!s) return;
    for (const sock of this.#sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async setMode(mode: StandinMode): Promise<void> {
    if (mode === 'refuse') await this.stop();
    else if (this.mode === 'refuse' || !this.#server) await this.start(this.#port);
    this.mode = mode;
  }

  /** Distinct transactions in txnId order of first acceptance, with their events. */
  uniqueTxns(): ReceivedTxn[] {
    const seen = new Map<string, ReceivedTxn>();
    for (const t of this.accepted) if (!seen.has(t.txnId)) seen.set(t.txnId, t);
    return [...seen.values()];
  }

  events(): Record<string, unknown>[] {
    return this.uniqueTxns().flatMap((t) => t.body.events);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.hsToken}`) {
      this.badTokens.push(auth);
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"errcode":"M_FORBIDDEN"}');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
    if (req.method === 'POST' && url.pathname === '/_matrix/app/v1/ping') {
      this.pings.push(typeof body.transaction_id === 'string' ? { transactionId: body.transaction_id } : {});
      if (this.mode === 'error500') return void res.writeHead(500).end('{"errcode":"M_UNKNOWN","error":"down"}');
      if (this.mode === 'hang') return;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    const m = /^\/_matrix\/app\/v1\/transactions\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'PUT' || !m) return void res.writeHead(404).end('{"errcode":"M_UNRECOGNIZED"}');
    this.attempts++;
    if (this.mode === 'error500') return void res.writeHead(500).end('{"errcode":"M_UNKNOWN"}');
    if (this.mode === 'hang') return; // never answers: the hub's timeout must fire
    const t: ReceivedTxn = { txnId: decodeURIComponent(m[1]!), body: body as ReceivedTxn['body'], receivedAt: Date.now() };
    this.accepted.push(t);
    this.onTxn?.(t);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
}
