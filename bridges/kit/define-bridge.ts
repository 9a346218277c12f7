// `defineBridge`: what a network bridge exports as its BridgeModule (plugin.ts). The bridge gives
// its network name, how to read and document its config section, and a connector factory; the
// kit does config, registration, storage, the appservice and everything Matrix-side.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type ConfigReader } from './config-reader.ts';
import { parseBridgeConfig, type BridgeConfig } from './config.ts';
import type { NetworkConnector } from './connector.ts';
import type { BridgeModule, NewBridgeOptions, RunningBridge, StartOptions } from './plugin.ts';
import { generateFiles } from './registration.ts';
import { Kit, type Log } from './runtime.ts';
import { BridgeStore } from './store.ts';

export interface BridgeDefinition<C> {
  readonly network: string;
  /** Reads and validates the network's section; errors via `section.fail(key, problem)`. */
  readonly configSchema: (section: ConfigReader) => C;
  /** Default content of the network section written by `generate`. */
  readonly defaultNetworkConfig: (options: NewBridgeOptions) => Record<string, unknown>;
  /** Default ghost localpart template (must contain `{id}`); defaults to `<network>_{id}`. */
  readonly ghostTemplate?: string;
  readonly aliasTemplate?: string;
  readonly createConnector: (config: C, bridge: BridgeConfig, log: Log) => NetworkConnector | Promise<NetworkConnector>;
}

export interface KitRunningBridge extends RunningBridge {
  /** The running kit (tests and hosts that want /status without HTTP). */
  readonly kit: Kit;
}

export interface KitBridgeModule extends BridgeModule {
  start(options: StartOptions): Promise<KitRunningBridge>;
}

const quiet: Log = () => undefined;

export function defineBridge<C>(def: BridgeDefinition<C>): KitBridgeModule {
  return {
    network: def.network,
    generate: (options) =>
      generateFiles(
        {
          network: def.network,
          networkDefaults: def.defaultNetworkConfig(options),
          ...(def.ghostTemplate ? { ghostTemplate: def.ghostTemplate } : {}),
          ...(def.aliasTemplate ? { aliasTemplate: def.aliasTemplate } : {}),
        },
        options,
      ),
    async start(options) {
      const log = options.log ?? quiet;
      let text: string;
      try {
        text = await readFile(options.configPath, 'utf8');
      } catch (err) {
        throw new ConfigError(options.configPath, '(file)', `cannot read: ${(err as Error).message}`);
      }
      const config = parseBridgeConfig(options.configPath, text, def.network);
      const networkConfig = def.configSchema(config.networkSection);
      const dataDir = config.dataDir ? (isAbsolute(config.dataDir) ? config.dataDir : resolve(join(options.configPath, '..'), config.dataDir)) : options.dataDir;
      const store = await BridgeStore.open(dataDir);
      const connector = await def.createConnector(networkConfig, config, log);
      const kit = new Kit(config, connector, store, log);
      try {
        await kit.start();
      } catch (err) {
        await kit.stop().catch(() => undefined);
        throw err;
      }
      log('info', `${config.name}: listening on ${config.appservice.url}`);
      return { url: config.appservice.url, kit, stop: () => kit.stop() };
    },
  };
}
