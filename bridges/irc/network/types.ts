// Typed events and states of one IRC connection, independent of the client library.
import type { BackoffOptions } from './backoff.ts';
import type { FloodOptions } from './flood-queue.ts';

export type IrcTags = Readonly<Record<string, string>>;

interface Base {
  /** server-time when the server sent one, else the local receive time (ms since epoch). */
  time: number;
  serverTime: boolean;
  tags: IrcTags;
}

export type IrcEvent =
  | (Base & {
      type: 'message';
      kind: 'privmsg' | 'action' | 'notice';
      from: string;
      target: string;
      /** The channel, or for a private message the other party's nick. */
      conversation: string;
      isChannel: boolean;
      text: string;
      msgid?: string;
      replyTo?: string;
      /** echo-message: our own message coming back from the server. */
      echo: boolean;
    })
  | (Base & { type: 'react'; from: string; target: string; conversation: string; reactTo: string; key: string; echo: boolean })
  | (Base & { type: 'join'; channel: string; nick: string; self: boolean })
  | (Base & { type: 'part'; channel: string; nick: string; reason: string; self: boolean })
  | (Base & { type: 'quit'; nick: string; reason: string; self: boolean })
  | (Base & { type: 'kick'; channel: string; by: string; nick: string; reason: string; self: boolean; flood: boolean })
  | (Base & { type: 'nick'; oldNick: string; newNick: string; self: boolean })
  | (Base & { type: 'topic'; channel: string; topic: string; by?: string })
  | (Base & { type: 'mode'; target: string; by: string; changes: ModeChange[] })
  | { type: 'names'; channel: string; members: { nick: string; modes: string[] }[] }
  | { type: 'nick-in-use'; nick: string; trying?: string; registered: boolean };

export interface ModeChange {
  add: boolean;
  mode: string;
  param?: string;
}

export type ConnectionState =
  | { state: 'connecting'; attempt: number }
  | { state: 'connected'; nick: string }
  | { state: 'transient-disconnect'; reason: string; attempt: number; retryInMs: number }
  | { state: 'bad-credentials'; reason: string }
  | { state: 'error'; reason: string }
  | { state: 'stopped' };

export interface ConnectionOptions {
  host: string;
  port: number;
  nick: string;
  username?: string;
  realname?: string;
  tls?: boolean;
  /** For self-signed test servers only. */
  rejectUnauthorized?: boolean;
  /** Server password (PASS). */
  password?: string;
  sasl?: { account: string; password: string };
  flood?: FloodOptions;
  backoff?: BackoffOptions;
  /** Give up (state `error`) after this many failed attempts in a row; default: never. */
  maxAttempts?: number;
  /** Delay before rejoining a channel we were flood-kicked from; default 2000 ms. */
  floodRejoinMs?: number;
  /** With echo-message, a sent line not echoed within this counts as undelivered; default 10 s. */
  echoTimeoutMs?: number;
  /** Registration must finish within this; default 30 s. */
  registrationTimeoutMs?: number;
}
