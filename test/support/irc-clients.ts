// IrcConnection helpers for tests: a connection with a recorded event/state log and waits on it.
import { IrcConnection } from '../../bridges/irc/network/connection.ts';
import type { ConnectionOptions, ConnectionState, IrcEvent } from '../../bridges/irc/network/types.ts';
import type { Ircd } from './ircd.ts';

export interface TestIrcClient {
  conn: IrcConnection;
  events: IrcEvent[];
  states: ConnectionState[];
  /** Resolves with the first event (already received or future) matching `pred`. */
  waitEvent<T extends IrcEvent>(pred: (e: IrcEvent) => e is T, timeoutMs?: number): Promise<T>;
  waitEvent(pred: (e: IrcEvent) => boolean, timeoutMs?: number): Promise<IrcEvent>;
  waitState(pred: (s: ConnectionState) => boolean, timeoutMs?: number): Promise<ConnectionState>;
  stop(): Promise<void>;
}

function waiter<T>(log: T[], conn: IrcConnection, channel: 'event' | 'state', pred: (x: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const found = log.find(pred);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const listener = (x: T) => {
      if (!pred(x)) return;
      clearTimeout(timer);
      conn.off(channel, listener as never);
      resolve(x);
    };
    const timer = setTimeout(() => {
      conn.off(channel, listener as never);
      reject(new Error(`timed out waiting for ${what}; last: ${JSON.stringify(log.slice(-5))}`));
    }, timeoutMs);
    conn.on(channel, listener as never);
  });
}

export function ircClient(ircd: Pick<Ircd, 'host' | 'port'>, nick: string, opts: Partial<ConnectionOptions> = {}): TestIrcClient {
  const conn = new IrcConnection({
    host: ircd.host,
    port: ircd.port,
    nick,
    flood: { burst: 20, linesPerSecond: 50 },
    backoff: { baseMs: 100, maxMs: 1000, jitter: 0 },
    ...opts,
  });
  const events: IrcEvent[] = [];
  const states: ConnectionState[] = [];
  conn.on('event', (e) => events.push(e));
  conn.on('state', (s) => states.push(s));
  conn.start();
  return {
    conn,
    events,
    states,
    waitEvent: (pred: (e: IrcEvent) => boolean, timeoutMs = 10_000) => waiter(events, conn, 'event', pred, timeoutMs, `event for ${nick}`),
    waitState: (pred, timeoutMs = 10_000) => waiter(states, conn, 'state', pred, timeoutMs, `state for ${nick}`),
    stop: () => conn.stop('test done', 1000),
  } as TestIrcClient;
}

export async function connected(...clients: TestIrcClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.waitState((s) => s.state === 'connected')));
}
