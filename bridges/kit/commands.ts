// Management command parsing (pure). In the management room (a DM with the bot) a message is a
// command as typed; elsewhere it must start with the bridge's prefix (`!irc login`).

export interface CommandSpec {
  readonly name: string;
  readonly args: string;
  readonly help: string;
  /** Minimum permission; commands that act on a portal need to run in one. */
  readonly level: 'relay' | 'user' | 'admin';
  readonly minArgs: number;
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'help', args: '', help: 'Show this help.', level: 'relay', minArgs: 0 },
  { name: 'version', args: '', help: 'Show the bridge and network versions.', level: 'relay', minArgs: 0 },
  { name: 'ping', args: '', help: 'Show the state of each of your logins.', level: 'user', minArgs: 0 },
  { name: 'login', args: '[flow]', help: 'Log in to the network (without a flow: list the flows).', level: 'user', minArgs: 0 },
  { name: 'logout', args: '<login id>', help: 'Log out and forget the login.', level: 'user', minArgs: 1 },
  { name: 'list-logins', args: '', help: 'List your logins and their state.', level: 'user', minArgs: 0 },
  { name: 'cancel', args: '', help: 'Cancel the login in progress.', level: 'user', minArgs: 0 },
  { name: 'bridge', args: '<chat>', help: 'Bridge this room to a remote chat.', level: 'user', minArgs: 1 },
  { name: 'unbridge', args: '', help: 'Remove the bridge from this portal room.', level: 'user', minArgs: 0 },
  { name: 'set-relay', args: '[off]', help: 'Relay messages of users without a login in this portal through your login.', level: 'user', minArgs: 0 },
  { name: 'sync', args: '', help: 'Re-sync name, topic, avatar and members of this portal (or all your portals).', level: 'user', minArgs: 0 },
];

export type ParsedCommand =
  | { kind: 'command'; spec: CommandSpec; args: string[] }
  | { kind: 'unknown'; name: string }
  | { kind: 'missing_args'; spec: CommandSpec }
  | { kind: 'not_a_command' };

export function parseCommand(body: string, prefix: string, inManagementRoom: boolean): ParsedCommand {
  let text = body.trim();
  if (text.toLowerCase().startsWith(prefix.toLowerCase() + ' ') || text.toLowerCase() === prefix.toLowerCase()) {
    text = text.slice(prefix.length).trim();
  } else if (!inManagementRoom) {
    return { kind: 'not_a_command' };
  }
  const [rawName = '', ...args] = text.split(/\s+/).filter((s) => s !== '');
  const name = rawName.toLowerCase();
  if (name === '') return { kind: 'unknown', name: '' };
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) return { kind: 'unknown', name };
  if (args.length < spec.minArgs) return { kind: 'missing_args', spec };
  return { kind: 'command', spec, args };
}

export function helpText(prefix: string): string {
  const lines = COMMANDS.map((c) => `${c.name}${c.args ? ' ' + c.args : ''} — ${c.help}`);
  return `Commands (in this room as typed; in portal rooms start with "${prefix}"):\n` + lines.join('\n');
}
