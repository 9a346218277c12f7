// The connections of one IRC network: one per Matrix user (puppeting, with the user's nick and
// credentials) and one relay/bot connection for users who have not logged in.
//
// Contract: connections are created on demand and started at once; events and state changes of
// every connection are re-emitted tagged with its owner (a Matrix user id, or RELAY). A failed
// connection stays in the map with its state, so callers can show it; remove() stops and forgets
// it. shutdown() stops all connections in parallel, each sending QUIT after draining its queue.
import { EventEmitter } from 'node:events';
import { IrcConnection } from './connection.ts';
import type { ConnectionOptions, ConnectionState, IrcEvent } from './types.ts';

export const RELAY = 'relay' as const;
export type Owner = string; // a Matrix user id, or RELAY

export interface NetworkOptions {
  host: string;
  port: number;
  tls?: boolean;
  rejectUnauthorized?: boolean;
  /** Defaults for every connection of this network (flood, backoff, maxAttempts …). */
  connection?: Partial<Omit<ConnectionOptions, 'host' | 'port' | 'nick'>>;
}

export interface UserLogin {
  nick: string;
  username?: string;
  realname?: string;
  password?: string;
  sasl?: { account: string; password: string };
}

export class IrcNetwork extends EventEmitter<{
  event: [Owner, IrcEvent];
  state: [Owner, ConnectionState];
}> {
  readonly options: NetworkOptions;
  readonly #connections = new Map<Owner, IrcConnection>();

  constructor(options: NetworkOptions) {
    super();
    this.options = options;
  }

  get(owner: Owner): IrcConnection | undefined {
    return this.#connections.get(owner);
  }

  owners(): Owner[] {
    return [...this.#connections.keys()];
  }

  /** The connection for `owner`, created and started if there is none. */
  connect(owner: Owner, login: UserLogin): IrcConnection {
    const existing = this.#connections.get(owner);
    if (existing) return existing;
    const o = this.options;
    const conn = new IrcConnection({
      ...o.connection,
      host: o.host,
      port: o.port,
      ...(o.tls === undefined ? {} : { tls: o.tls }),
      ...(o.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: o.rejectUnauthorized }),
      ...login,
    });
    conn.on('event', (e) => this.emit('event', owner, e));
    conn.on('state', (s) => this.emit('state', owner, s));
    this.#connections.set(owner, conn);
    conn.start();
    return conn;
  }

  relay(login: UserLogin): IrcConnection {
    return this.connect(RELAY, login);
  }

  async remove(owner: Owner, reason?: string): Promise<void> {
    const conn = this.#connections.get(owner);
    if (!conn) return;
    this.#connections.delete(owner);
    await conn.stop(reason);
    conn.removeAllListeners();
  }

  async shutdown(reason?: string): Promise<void> {
    await Promise.all(this.owners().map((o) => this.remove(o, reason)));
  }
}
