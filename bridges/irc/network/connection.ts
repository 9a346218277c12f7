// One IRC connection (a puppeted Matrix user or the relay bot) on irc-framework.
//
// Contract:
// - States: connecting → connected; on any loss, transient-disconnect then a new attempt after
//   a capped, jittered exponential backoff; bad-credentials (SASL or PASS refused) and error
//   (all nicks in use, maxAttempts reached) are final until start() is called again; stopped
//   after stop(). Failures surface as states and events, never as exceptions or crashes.
// - Order: every outgoing line (messages, joins, modes, nick changes) goes through one
//   FloodQueue, so lines leave in call order at the configured rate. Lines queued while
//   disconnected wait and are sent after the next registration, after the channels are rejoined.
// - Channels joined through join() are remembered and rejoined after a reconnect, and after a
//   flood kick (once the kick is reported). A non-flood kick or part() forgets the channel.
// - Nick in use: during registration the alternates are tried in turn (each reported as a
//   nick-in-use event); after registration a refused nick change is reported and the current
//   nick kept.
// - send() resolves once every line is written, or with echo-message once each line came back
//   (with its msgid), or after echoTimeoutMs without one (a line the server refused).
// - Durability: IRC has no acknowledgement, so a line written just before the socket died may
//   be lost; queued lines not yet written survive reconnects (in memory only, not restarts).
import { EventEmitter } from 'node:events';
import irc from 'irc-framework';
import { splitIrcText, textByteBudget } from '../convert/split.ts';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { mapEvent, type RawEvent } from './events.ts';
import { DEFAULT_FLOOD, FloodQueue } from './flood-queue.ts';
import { alternateNicks } from './nick-alternates.ts';
import { formatTags } from './tags.ts';
import type { ConnectionOptions, ConnectionState, IrcEvent } from './types.ts';

const QUIT_TIMEOUT_MS = 3_000;
const BAD_PASSWORD = /password/i;
const FORWARDED = ['privmsg', 'action', 'notice', 'tagmsg', 'join', 'part', 'quit', 'kick', 'nick', 'topic', 'mode', 'userlist'];

export interface SendOptions {
  kind?: 'privmsg' | 'action' | 'notice';
  replyTo?: string;
}

interface PendingEcho { target: string; text: string; done: (msgid: string | undefined) => void; timer: NodeJS.Timeout }

export class IrcConnection extends EventEmitter<{ event: [IrcEvent]; state: [ConnectionState] }> {
  readonly options: ConnectionOptions;
  #client: InstanceType<typeof irc.Client> | undefined;
  #queue: FloodQueue;
  #state: ConnectionState = { state: 'stopped' };
  #attempt = 0;
  #nick: string;
  #alternates: string[] = [];
  #registered = false;
  #stopping = false;
  #final: ConnectionState | undefined;
  #lastError = '';
  #timers = new Set<NodeJS.Timeout>();
  #channels = new Map<string, string>();
  #echoes: PendingEcho[] = [];

  constructor(options: ConnectionOptions) {
    super();
    this.options = options;
    this.#nick = options.nick;
    this.#queue = new FloodQueue((line) => this.#client?.raw(line), options.flood ?? DEFAULT_FLOOD);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get nick(): string {
    return this.#nick;
  }

  /** IRCv3 capabilities the server enabled for us. */
  get caps(): string[] {
    return [...(this.#client?.network.cap.enabled ?? [])];
  }

  get queued(): number {
    return this.#queue.length;
  }

  start(): void {
    if (this.#client && !this.#final && this.#state.state !== 'stopped') return;
    this.#stopping = false;
    this.#final = undefined;
    this.#attempt = 0;
    this.#connect();
  }

  /** Drains the queue (up to drainMs) while connected, sends QUIT, and waits for the close. */
  async stop(reason = 'Bridge shutting down', drainMs = 5_000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#clearTimers();
    const client = this.#client;
    if (client && this.#registered) {
      await Promise.race([this.#queue.drain(), new Promise((r) => this.#timer(r, drainMs))]);
    }
    this.#queue.close();
    for (const e of this.#echoes.splice(0)) { clearTimeout(e.timer); e.done(undefined); }
    if (client?.connection.connected) {
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.quit(reason);
      await Promise.race([closed, new Promise((r) => this.#timer(r, QUIT_TIMEOUT_MS))]);
    }
    client?.connection.end(undefined, false);
    client?.removeAllListeners();
    this.#client = undefined;
    this.#clearTimers();
    this.#setState({ state: 'stopped' });
  }

  /** The text bytes one line to `target` may carry once the server adds our prefix. */
  lineBudget(target: string, kind: SendOptions['kind'] = 'privmsg'): number {
    const user = this.#client?.user;
    return textByteBudget({
      nick: this.#nick,
      target,
      command: kind === 'notice' ? 'NOTICE' : 'PRIVMSG',
      action: kind === 'action',
      ...(user?.username ? { user: user.username } : {}),
      ...(user?.host ? { host: user.host } : {}),
    });
  }

  /** Sends (multi-line) text, split to the line limit; returns each line's msgid when known. */
  async send(target: string, text: string, opts: SendOptions = {}): Promise<(string | undefined)[]> {
    const kind = opts.kind ?? 'privmsg';
    const lines = splitIrcText(text, this.lineBudget(target, kind));
    const tagged = opts.replyTo && this.#hasCap('message-tags') ? formatTags({ '+draft/reply': opts.replyTo }) : '';
    const results = lines.map((line) => {
      const body = kind === 'action' ? `\x01ACTION ${line}\x01` : line;
      const raw = `${tagged}${kind === 'notice' ? 'NOTICE' : 'PRIVMSG'} ${target} :${body}`;
      const echoed = this.#expectEcho(target, line);
      return this.#queue.push(raw).then(() => echoed);
    });
    return Promise.all(results);
  }

  /** Sends a reaction (TAGMSG +draft/react); false when the server has no message-tags. */
  async react(target: string, msgid: string, key: string): Promise<boolean> {
    if (!this.#hasCap('message-tags')) return false;
    await this.#queue.push(`${formatTags({ '+draft/react': key, '+draft/reply': msgid })}TAGMSG ${target}`);
    return true;
  }

  join(channel: string, key?: string): Promise<void> {
    this.#channels.set(channel.toLowerCase(), channel);
    return this.#queue.push(key ? `JOIN ${channel} ${key}` : `JOIN ${channel}`);
  }

  part(channel: string, reason = ''): Promise<void> {
    this.#channels.delete(channel.toLowerCase());
    return this.#queue.push(`PART ${channel} :${reason}`);
  }

  topic(channel: string, topic: string): Promise<void> {
    return this.#queue.push(`TOPIC ${channel} :${topic}`);
  }

  mode(target: string, modes: string, ...params: string[]): Promise<void> {
    return this.#queue.push(['MODE', target, modes, ...params].join(' '));
  }

  kick(channel: string, nick: string, reason = ''): Promise<void> {
    return this.#queue.push(`KICK ${channel} ${nick} :${reason}`);
  }

  changeNick(nick: string): Promise<void> {
    return this.#queue.push(`NICK ${nick}`);
  }

  /** Sends a line as is, through the flood queue. */
  raw(line: string): Promise<void> {
    return this.#queue.push(line);
  }

  #hasCap(cap: string): boolean {
    return this.#client?.network.cap.isEnabled(cap) ?? false;
  }

  #expectEcho(target: string, text: string): Promise<string | undefined> {
    if (!this.#hasCap('echo-message')) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const pending: PendingEcho = {
        target: target.toLowerCase(),
        text,
        done: resolve,
        timer: setTimeout(() => {
          this.#echoes = this.#echoes.filter((p) => p !== pending);
          resolve(undefined);
        }, this.options.echoTimeoutMs ?? 10_000),
      };
      this.#echoes.push(pending);
    });
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.emit('state', state);
  }

  #timer(fn: (v?: unknown) => void, ms: number): void {
    const t = setTimeout(() => { this.#timers.delete(t); fn(); }, ms);
    this.#timers.add(t);
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #connect(): void {
    this.#attempt += 1;
    this.#registered = false;
    this.#lastError = '';
    this.#nick = this.options.nick;
    this.#alternates = alternateNicks(this.options.nick, Math.max(9, this.options.nick.length));
    this.#queue.pause();
    this.#setState({ state: 'connecting', attempt: this.#attempt });
    const o = this.options;
    const client = new irc.Client();
    this.#client = client;
    this.#listen(client);
    // connect() replaces the constructor's options, so every option is given here.
    client.connect({
      auto_reconnect: false,
      enable_echomessage: true,
      ping_interval: 30,
      ping_timeout: 120,
      host: o.host,
      port: o.port,
      nick: o.nick,
      username: o.username ?? (o.nick.replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || 'matrix'),
      gecos: o.realname ?? o.nick,
      tls: o.tls ?? false,
      ...(o.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: o.rejectUnauthorized }),
      ...(o.password ? { password: o.password } : {}),
      account: o.sasl ? { account: o.sasl.account, password: o.sasl.password } : {},
    });
    this.#timer(() => {
      if (this.#client === client && !this.#registered && !this.#stopping) {
        this.#lastError = 'registration timed out';
        client.connection.end(undefined, true);
      }
    }, o.registrationTimeoutMs ?? 30_000);
  }

  #listen(client: InstanceType<typeof irc.Client>): void {
    const current = () => this.#client === client && !this.#stopping;
    client.on('registered', ((e: { nick: string }) => {
      if (!current()) return;
      this.#registered = true;
      this.#attempt = 0;
      this.#nick = e.nick;
      for (const channel of this.#channels.values()) client.raw(`JOIN ${channel}`);
      this.#setState({ state: 'connected', nick: this.#nick });
      this.#queue.resume();
    }) as never);
    const onNickRefused = ((e: { nick: string }) => {
      if (!current()) return;
      if (this.#registered) {
        this.emit('event', { type: 'nick-in-use', nick: e.nick, registered: true });
        return;
      }
      const next = this.#alternates.shift();
      if (next === undefined) {
        this.emit('event', { type: 'nick-in-use', nick: e.nick, registered: false });
        this.#final = { state: 'error', reason: `nick ${this.options.nick} and its alternates are in use` };
        client.quit('nick in use');
        return;
      }
      this.emit('event', { type: 'nick-in-use', nick: e.nick, trying: next, registered: false });
      this.#nick = next;
      client.raw(`NICK ${next}`);
    }) as never;
    client.on('nick in use', onNickRefused);
    client.on('nick invalid', onNickRefused);
    client.on('sasl failed', ((e: { reason: string; message?: string }) => {
      if (!current()) return;
      this.#final = { state: 'bad-credentials', reason: `SASL ${e.reason}${e.message ? `: ${e.message}` : ''}` };
      client.quit('authentication failed');
    }) as never);
    client.on('irc error', ((e: { error: string; reason?: string }) => {
      if (!current()) return;
      if (e.error === 'password_mismatch') {
        this.#final = { state: 'bad-credentials', reason: 'server password refused' };
      } else if (e.error === 'irc' && e.reason) {
        this.#lastError = e.reason; // ERROR :Closing link … (Excess Flood, K-lined, …)
        // Some servers (ngircd) answer a wrong PASS with only "ERROR :Access denied: Bad password?".
        if (!this.#registered && BAD_PASSWORD.test(e.reason)) this.#final = { state: 'bad-credentials', reason: e.reason };
      }
    }) as never);
    client.on('socket close', ((err: unknown) => {
      if (!current()) return;
      if (err instanceof Error) this.#lastError ||= err.message;
      else if (typeof err === 'string' && err) this.#lastError ||= err;
    }) as never);
    client.on('close', (() => {
      if (!current()) return;
      this.#queue.pause();
      client.removeAllListeners();
      if (this.#final) {
        this.#setState(this.#final);
        return;
      }
      if (this.options.maxAttempts !== undefined && this.#attempt >= this.options.maxAttempts) {
        this.#setState({ state: 'error', reason: `gave up after ${this.#attempt} attempts: ${this.#lastError || 'connection closed'}` });
        return;
      }
      const retryInMs = backoffDelay(this.#attempt, this.options.backoff ?? DEFAULT_BACKOFF);
      this.#setState({ state: 'transient-disconnect', reason: this.#lastError || 'connection closed', attempt: this.#attempt, retryInMs });
      this.#timer(() => { if (!this.#stopping) this.#connect(); }, retryInMs);
    }) as never);
    for (const name of FORWARDED) {
      client.on(name, ((raw: RawEvent) => {
        if (!current()) return;
        const ownNick = this.#nick;
        const event = mapEvent(name, raw, {
          ownNick,
          isChannel: (t) => /^[#&+!]/.test(t),
          caseEqual: (a, b) => a.toLowerCase() === b.toLowerCase(),
          now: Date.now,
        });
        if (!event) return;
        this.#track(event, client);
        this.emit('event', event);
      }) as never);
    }
  }

  #track(event: IrcEvent, client: InstanceType<typeof irc.Client>): void {
    if (event.type === 'nick' && event.self) this.#nick = event.newNick;
    if (event.type === 'message' && event.echo) {
      const at = this.#echoes.findIndex((p) => p.target === event.target.toLowerCase() && p.text === event.text);
      if (at >= 0) {
        const [p] = this.#echoes.splice(at, 1);
        clearTimeout(p!.timer);
        p!.done(event.msgid);
      }
    }
    if (event.type === 'kick' && event.self) {
      const key = event.channel.toLowerCase();
      if (!event.flood) this.#channels.delete(key);
      else if (this.#channels.has(key)) {
        this.#timer(() => {
          if (this.#client === client && this.#registered && this.#channels.has(key)) client.raw(`JOIN ${this.#channels.get(key)!}`);
        }, this.options.floodRejoinMs ?? 2_000);
      }
    }
  }
}
