// The part of irc-framework (untyped CommonJS) this layer uses.
declare module 'irc-framework' {
  type Listener = (event: never) => void;
  interface ClientOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    password?: string;
    account?: { account: string; password: string } | Record<string, never>;
    enable_echomessage?: boolean;
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    message_max_length?: number;
    version?: string;
  }
  class Client {
    constructor(options?: Partial<ClientOptions>);
    options: ClientOptions;
    user: { nick: string; username: string; host: string };
    network: {
      options: Record<string, unknown>;
      cap: { isEnabled(cap: string): boolean; enabled: string[] };
      supports(name: string): unknown;
    };
    connected: boolean;
    connect(options?: Partial<ClientOptions>): void;
    raw(...args: (string | number)[]): void;
    quit(message?: string): void;
    changeNick(nick: string): void;
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
    removeAllListeners(event?: string): this;
    connection: { end(data?: string, force?: boolean): void; connected: boolean };
  }
  const irc: { Client: typeof Client };
  export default irc;
}
