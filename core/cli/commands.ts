// The `switchyard` command. Each subcommand is a small function; the server itself is built by
// core/main.ts.
import { parseArgs } from 'node:util';
import { writeFileSync, existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/load.ts';
import { renderExampleConfig } from '../config/example.ts';
import { registerUser } from './register-user.ts';
import { collectStartupGarbage } from '../lib/startup-gc.ts';
import { APPSERVICE_HELP, appserviceCommand } from './appservice.ts';
import { BRIDGE_HELP, bridgeCommand } from './bridge.ts';

const HELP: Record<string, string> = {
  '': `Usage: switchyard <command> [options]

Commands:
  start             Start the homeserver
  generate-config   Write a documented configuration file
  register-user     Create a user through the shared-secret admin API
  appservice        List, register, delete, pause and resume appservices
  bridge            Add a bridge, list bridge configs, run one bridge standalone

Run "switchyard <command> --help" for a command's options.`,
  start: `Usage: switchyard start [--config FILE]

Starts the homeserver. With no config file the built-in defaults apply: the embedded
database in ./data and the HTTP listener on 127.0.0.1:8008. Environment variables
(SERVER_NAME, LISTEN_HOST, LISTEN_PORT, DATABASE_URL, REDIS_URL, ...) override the file.
With bridges.in_process: true it also runs every bridge config in bridges.dir (BRIDGES_DIR).`,
  'generate-config': `Usage: switchyard generate-config [--server-name NAME] [--output FILE] [--force]

Writes a configuration file with every option and its documentation
(default output: config/homeserver.yaml; "-" prints to stdout).`,
  'register-user': `Usage: switchyard register-user --user NAME [--password PASS] [--admin] [--url URL] [--config FILE]

Registers a user with the shared secret (Synapse's /_synapse/admin/v1/register), on the
running server at --url (default: the configured public_baseurl). The secret is read from
the config or from <data_dir>/registration_shared_secret. The password may also come from
SWITCHYARD_PASSWORD; without either it is asked for on the terminal.`,
  appservice: APPSERVICE_HELP,
  bridge: BRIDGE_HELP,
};

async function main(argv: string[]): Promise<number> {
  const [command = '', ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      config: { type: 'string', short: 'c' },
      'server-name': { type: 'string' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      user: { type: 'string', short: 'u' },
      password: { type: 'string', short: 'p' },
      admin: { type: 'boolean' },
      url: { type: 'string' },
      token: { type: 'string' },
      prefix: { type: 'string' },
      json: { type: 'boolean' },
      name: { type: 'string' },
      port: { type: 'string' },
      module: { type: 'string' },
      'listen-host': { type: 'string' },
      'homeserver-url': { type: 'string' },
    },
  });
  // Only `appservice` and `bridge` take positional arguments (their action and target).
  if (command !== 'appservice' && command !== 'bridge' && positionals.length > 0) return usage(`Unexpected argument: ${positionals[0]}`);
  if (command === '' || command === '--help' || command === '-h' || values.help) {
    const text = HELP[command.startsWith('-') ? '' : command];
    if (text === undefined) return usage(`Unknown command: ${command}`);
    console.log(text);
    return 0;
  }
  switch (command) {
    case 'start': {
      const { startHub } = await import('../main.ts');
      const hub = await startHub(loadConfig({ path: values.config }));
      collectStartupGarbage();
      const stop = () => {
        hub.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      return -1;
    }
    case 'generate-config': {
      const out = values.output ?? 'config/homeserver.yaml';
      const text = renderExampleConfig(values['server-name'] ? { serverName: values['server-name'] } : {});
      if (out === '-') process.stdout.write(text);
      else if (existsSync(out) && !values.force) return usage(`${out} exists; use --force to overwrite it`);
      else {
        writeFileSync(out, text);
        console.log(`Wrote ${out}`);
      }
      return 0;
    }
    case 'register-user':
      return registerUser(loadConfig({ path: values.config }), {
        user: values.user,
        password: values.password ?? process.env.SWITCHYARD_PASSWORD,
        admin: values.admin ?? false,
        url: values.url,
      });
    case 'appservice':
      return appserviceCommand(loadConfig({ path: values.config }), positionals, {
        url: values.url,
        token: values.token ?? process.env.SWITCHYARD_ADMIN_TOKEN,
        prefix: values.prefix,
        json: values.json ?? false,
      });
    case 'bridge':
      return bridgeCommand(
        positionals,
        {
          config: values.config,
          name: values.name,
          port: values.port,
          module: values.module,
          listenHost: values['listen-host'],
          homeserverUrl: values['homeserver-url'],
          force: values.force ?? false,
        },
        (path) => loadConfig({ path }),
      );
    default:
      return usage(`Unknown command: ${command}`);
  }
}

function usage(message: string): number {
  console.error(`${message}\n\n${HELP['']}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    // Expected failures (bad config, bad flags, unreachable database) print one line, not a stack.
    const known = e instanceof ConfigError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
    console.error(known ? `switchyard: ${(e as Error).message}` : e);
    process.exitCode = known ? 2 : 1;
  },
);
