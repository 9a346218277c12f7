// The bridge's HTTP listener: matrix-appservice's express app behind a small front that owns
//   GET /health  → 200 {"status":"ok"} once started (compose health check, hub host),
//   GET /status  → network, instance and each login's state,
//   GET /metrics → Prometheus text of this bridge's registry,
//   PUT /_matrix/app/v1/transactions/{txnId} → see below.
// Everything else (user and alias queries, thirdparty lookups) goes to the express app.
//
// Transactions (application-service-api, "Pushing events"): events are handled one at a time, in
// order, and the transaction is acknowledged only after all of them were handled and recorded as
// handled in the store. A crash mid-transaction leaves it unacknowledged; the hub re-sends it and
// events already recorded are skipped, so nothing is lost and nothing is bridged twice. A handler
// error for one event is the handler's to report (an m.notice to the user); only a store failure
// fails the transaction (500), making the hub retry.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppService } from 'matrix-appservice-bridge';
import type { Registry } from 'prom-client';

export interface FrontHandlers {
  readonly hsToken: string;
  status(): unknown;
  readonly registry: Registry;
  handleEvent(event: Record<string, unknown>): Promise<void>;
  /** Ephemeral events (typing): state, not history, so neither deduplicated nor retried. */
  handleEphemeral(event: Record<string, unknown>): Promise<void>;
  wasHandled(eventId: string): boolean;
  markHandled(eventId: string): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class KitAppService extends AppService {
  private readonly handlers: FrontHandlers;
  private front?: Server;
  /** Serialises transactions: the hub sends one at a time, but a retry may overlap a slow one. */
  private chain: Promise<void> = Promise.resolve();

  constructor(handlers: FrontHandlers) {
    super({ homeserverToken: handlers.hsToken });
    this.handlers = handlers;
  }

  override listen(port: number, hostname: string): Promise<void> {
    const server = createServer((req, res) => void this.route(req, res));
    this.front = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, () => resolve());
    });
  }

  override async close(): Promise<void> {
    const server = this.front;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (req.method === 'GET' && path === '/health') return json(res, 200, { status: 'ok' });
      if (req.method === 'GET' && path === '/status') return json(res, 200, this.handlers.status());
      if (req.method === 'GET' && path === '/metrics') {
        const text = await this.handlers.registry.metrics();
        res.writeHead(200, { 'content-type': this.handlers.registry.contentType });
        return void res.end(text);
      }
      const txn = /^\/_matrix\/app\/v1\/transactions\/([^/]+)$/.exec(path);
      if (req.method === 'PUT' && txn) return await this.transaction(req, res);
      this.expressApp(req, res);
    } catch (err) {
      json(res, 500, { errcode: 'M_UNKNOWN', error: (err as Error).message });
    }
  }

  private async transaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : new URL(req.url ?? '/', 'http://x').searchParams.get('access_token');
    if (token !== this.handlers.hsToken) return json(res, 403, { errcode: 'M_FORBIDDEN', error: 'Bad hs_token' });
    let body: { events?: unknown; ephemeral?: unknown; 'de.sorunome.msc2409.ephemeral'?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return json(res, 400, { errcode: 'M_NOT_JSON', error: 'Body is not JSON' });
    }
    const events = Array.isArray(body.events) ? (body.events as Record<string, unknown>[]) : [];
    const edus = body.ephemeral ?? body['de.sorunome.msc2409.ephemeral'];
    const ephemeral = Array.isArray(edus) ? (edus as Record<string, unknown>[]) : [];
    const run = async (): Promise<void> => {
      for (const event of events) {
        const id = typeof event.event_id === 'string' ? event.event_id : null;
        if (id && this.handlers.wasHandled(id)) continue;
        await this.handlers.handleEvent(event);
        if (id) await this.handlers.markHandled(id);
      }
      for (const edu of ephemeral) await this.handlers.handleEphemeral(edu);
    };
    const done = this.chain.then(run, run);
    this.chain = done.catch(() => undefined);
    await done;
    json(res, 200, {});
  }
}
