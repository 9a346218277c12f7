// `switchyard bridge add|list|run`: install a bridge instance (its config in bridges.dir and its
// registration in appservices_dir, fresh tokens), list the configs, and run one bridge in its own
// process. Bridge modules are found and loaded by appservices/bridge-host, reached through
// core/main.ts (the one file in core that imports appservices/).
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { createLogger } from '../observability/log.ts';

export const BRIDGE_HELP = `Usage: switchyard bridge <add|list|run> [options]

  add NETWORK [--name N] [--port P] [--listen-host H] [--homeserver-url URL] [--module M] [--force]
      [--config HUB_CONFIG]
      Writes <bridges.dir>/<N>.yaml (the bridge's config) and <appservices_dir>/<N>.yaml (its
      registration), with fresh tokens (files mode 0600). A running hub loads the registration
      without a restart and, with bridges.in_process: true, starts the bridge too.
      N defaults to NETWORK; P to the first port from 29300 no other registration uses; H (the
      bridge's listener, also the host the hub pushes to) to 127.0.0.1; URL (how the bridge
      reaches the hub) to the hub's public_baseurl. In compose: --listen-host irc
      --homeserver-url http://hub:8008.
      --module names a third-party bridge (a path or a package) instead of bridges/NETWORK.
  list [--config HUB_CONFIG]
      The bridge configs in bridges.dir and their network.
  run --config BRIDGE_CONFIG
      Runs one bridge in this process (standalone, e.g. its own container) until SIGTERM or
      SIGINT. Its state goes to <bridges.data_dir>/<name> of the hub config (SWITCHYARD_CONFIG).`;

export interface BridgeCliOptions {
  config?: string;
  name?: string;
  port?: string;
  module?: string;
  listenHost?: string;
  homeserverUrl?: string;
  force: boolean;
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const FIRST_PORT = 29300;
const tools = () => import('../main.ts');

class CliFailure extends Error {}

export async function bridgeCommand(args: readonly string[], opts: BridgeCliOptions, loadConfig: (path?: string) => Config): Promise<number> {
  const [action, target, extra] = args;
  try {
    if (action === 'add' && target !== undefined && extra === undefined) return await add(loadConfig(opts.config), target, opts);
    if (action === 'list' && target === undefined) return await list(loadConfig(opts.config));
    if (action === 'run' && target === undefined) {
      if (!opts.config) throw new CliFailure('run needs --config BRIDGE_CONFIG');
      return await run(loadConfig(undefined), opts.config);
    }
  } catch (e) {
    const { BridgeLoadError } = await tools();
    if (e instanceof CliFailure || e instanceof BridgeLoadError) {
      console.error(`bridge ${action}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  console.error(BRIDGE_HELP);
  return 2;
}

async function add(config: Config, network: string, opts: BridgeCliOptions): Promise<number> {
  const { availableNetworks, importBridgeModule } = await tools();
  const name = opts.name ?? network;
  if (!NAME.test(network)) throw new CliFailure(`not a network name: ${network}`);
  if (!NAME.test(name)) throw new CliFailure(`--name: must be lower-case letters, digits, - and _ (it becomes the appservice id): ${name}`);
  if (opts.module === undefined && !availableNetworks().includes(network)) {
    const known = availableNetworks();
    throw new CliFailure(`unknown network "${network}"; available networks: ${known.length > 0 ? known.join(', ') : 'none'} (or name a third-party bridge with --module)`);
  }
  const configPath = resolve(config.bridges.dir, `${name}.yaml`);
  const registrationPath = resolve(config.appservicesDir, `${name}.yaml`);
  if (!opts.force) {
    for (const p of [configPath, registrationPath]) if (existsSync(p)) throw new CliFailure(`${p} exists; use --force to overwrite it`);
  }
  // A --module that names an existing file is a path (relative to here), else a package name.
  // Paths are written relative to the config's folder, as the host resolves them.
  const moduleKey = opts.module === undefined ? null : isPathLike(opts.module) || existsSync(opts.module) ? pathFrom(dirname(configPath), resolve(opts.module)) : opts.module;
  const module = await importBridgeModule({ network, module: moduleKey }, configPath);
  const port = opts.port !== undefined ? parsePort(opts.port) : await firstFreePort(config.appservicesDir);
  const listenHost = opts.listenHost ?? '127.0.0.1';
  const homeserverUrl = opts.homeserverUrl ?? config.publicBaseurl;
  if (!/^https?:\/\/[^/]+/.test(homeserverUrl)) throw new CliFailure(`--homeserver-url: must be an http(s) URL: ${homeserverUrl}`);
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(listenHost)) throw new CliFailure(`--listen-host: not a host name or address: ${listenHost}`);
  const files = module.generate({
    name,
    homeserverUrl,
    serverName: config.serverName,
    listenHost,
    listenPort: port,
    asToken: randomBytes(32).toString('base64url'),
    hsToken: randomBytes(32).toString('base64url'),
  });
  let configYaml = files.configYaml;
  if (moduleKey !== null && !/^module:/m.test(configYaml)) configYaml = `${configYaml.replace(/\n*$/, '\n')}module: ${JSON.stringify(moduleKey)}\n`;
  // The registration first: a hub running the bridge in process then finds its token accepted.
  await writeSecret(registrationPath, files.registrationYaml);
  await writeSecret(configPath, configYaml);
  console.log(`Wrote ${registrationPath} (registration of appservice "${name}")`);
  console.log(`Wrote ${configPath} (${network} bridge config, listener http://${listenHost}:${port})`);
  console.log(
    config.bridges.inProcess
      ? 'The running hub loads both without a restart (bridges.in_process: true).'
      : `The running hub loads the registration without a restart. Run the bridge with:\n  switchyard bridge run --config ${configPath}\n(or set bridges.in_process: true to run it inside the hub)`,
  );
  return 0;
}

async function list(config: Config): Promise<number> {
  const { parseBridgeHeader } = await tools();
  let names: string[];
  try {
    names = (await readdir(config.bridges.dir)).filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    names = [];
  }
  if (names.length === 0) console.log(`No bridge configs in ${config.bridges.dir}.`);
  for (const n of names) {
    const file = join(config.bridges.dir, n);
    try {
      const h = parseBridgeHeader(await readFile(file, 'utf8'), file);
      console.log(`${basename(n, extname(n))}\t${h.network}\t${file}${h.module ? `\tmodule ${h.module}` : ''}`);
    } catch (e) {
      console.log(`${basename(n, extname(n))}\t?\t${file}\t${(e as Error).message}`);
    }
  }
  return 0;
}

async function run(config: Config, configPath: string): Promise<number> {
  const { parseBridgeHeader, importBridgeModule } = await tools();
  const file = resolve(configPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliFailure(`${file}: cannot be read: ${(e as Error).message}`);
  }
  const name = basename(file, extname(file));
  const module = await importBridgeModule(parseBridgeHeader(text, file), file);
  const dataDir = join(config.bridges.dataDir, name);
  await mkdir(dataDir, { recursive: true });
  const log = createLogger(config.logLevel, { bridge: name });
  let running;
  try {
    running = await module.start({ configPath: file, dataDir, log: (level, message, fields) => log[level](message, fields) });
  } catch (e) {
    throw new CliFailure((e as Error).message);
  }
  log.info('bridge running', { file, url: running.url });
  const stopping = new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      running.stop().then(done, (err: unknown) => {
        log.error('bridge did not stop cleanly', { err });
        process.exitCode = 1;
        done();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await stopping;
  log.info('bridge stopped', { file });
  // Bridges may leave timers or sockets behind (client libraries do): the process is done.
  process.exit(process.exitCode ?? 0);
}

async function writeSecret(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o600 });
  // mode applies only when the file is created; --force over an existing file needs chmod.
  await chmod(path, 0o600);
}

function parsePort(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new CliFailure(`--port: must be an integer 1–65535: ${s}`);
  return n;
}

/** The first port from 29300 that no registration in the folder points at. */
async function firstFreePort(appservicesDir: string): Promise<number> {
  const used = new Set<number>();
  const names = await readdir(appservicesDir).catch(() => [] as string[]);
  for (const n of names.filter((x) => /\.ya?ml$/i.test(x))) {
    const text = await readFile(join(appservicesDir, n), 'utf8').catch(() => '');
    for (const m of text.matchAll(/^url:\s*['"]?https?:\/\/[^\s'"/]*:(\d+)/gm)) used.add(Number(m[1]));
  }
  let port = FIRST_PORT;
  while (used.has(port)) port += 1;
  return port;
}

const isPathLike = (m: string) => m.startsWith('.') || isAbsolute(m);
/** Relative when both share a top-level folder (the repository moves as one), else absolute. */
function pathFrom(dir: string, target: string): string {
  const top = (p: string) => p.split('/')[1];
  if (top(dir) !== top(target)) return target;
  const r = relative(dir, target);
  return r.startsWith('.') ? r : `./${r}`;
}
