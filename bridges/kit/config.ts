// The bridge instance config: one YAML file per instance. `readBridgeConfig` applies defaults and
// validates; every error names the file and the key (ConfigError). The network's own section sits
// under a key named after the network (e.g. `irc:`) and is read by the connector's `readConfig`.
import { load } from 'js-yaml';
import { ConfigError, ConfigReader } from './config-reader.ts';
import { placeholders } from './templates.ts';

export type PermissionLevel = 'none' | 'relay' | 'user' | 'admin';
export const PERMISSION_LEVELS: readonly PermissionLevel[] = ['none', 'relay', 'user', 'admin'];

export interface BridgeConfig {
  readonly network: string;
  readonly name: string;
  readonly homeserver: { readonly url: string; readonly serverName: string };
  readonly appservice: {
    readonly id: string;
    readonly host: string;
    readonly port: number;
    readonly url: string;
    readonly asToken: string;
    readonly hsToken: string;
    readonly botLocalpart: string;
    readonly botDisplayname: string;
    /** Ghost localpart template; `{id}` required, other placeholders come from RemoteUser.parts. */
    readonly ghostTemplate: string;
    /** Alias localpart template for on-demand portals; `{id}` is the connector's alias id. */
    readonly aliasTemplate: string;
  };
  readonly bridge: {
    /** Prefix for commands outside the management room (e.g. `!irc help`). */
    readonly commandPrefix: string;
    /** mautrix-style: keys are `*`, a server name or a user id; most specific wins. */
    readonly permissions: Readonly<Record<string, PermissionLevel>>;
    readonly relay: { readonly enabled: boolean; readonly template: string; readonly htmlTemplate: string };
    /** server name → `as_token:<token>` of a `url: null` appservice that may act as that server's users. */
    readonly doublePuppet: { readonly secrets: Readonly<Record<string, string>> };
    readonly backfill: { readonly initialLimit: number };
  };
  /** Folder for the bridge's own store; null → the host's StartOptions.dataDir. */
  readonly dataDir: string | null;
  /** The raw network section, for the connector's reader. */
  readonly networkSection: ConfigReader;
}

export function parseBridgeConfig(file: string, yamlText: string, expectedNetwork?: string): BridgeConfig {
  let raw: unknown;
  try {
    raw = load(yamlText);
  } catch (err) {
    throw new ConfigError(file, '(syntax)', `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return readBridgeConfig(new ConfigReader(file, raw), expectedNetwork);
}

export function readBridgeConfig(top: ConfigReader, expectedNetwork?: string): BridgeConfig {
  const network = top.string('network');
  if (expectedNetwork !== undefined && network !== expectedNetwork) top.fail('network', `this module runs "${expectedNetwork}" bridges, the file says "${network}"`);
  if (!/^[a-z0-9_-]+$/.test(network)) top.fail('network', `expected lowercase letters, digits, - or _, got ${JSON.stringify(network)}`);
  top.only('network', 'name', 'homeserver', 'appservice', 'bridge', 'data_dir', 'database', network);
  const name = top.string('name', network);

  const hs = top.section('homeserver');
  hs.only('url', 'server_name');
  const hsUrl = hs.string('url');
  if (!/^https?:\/\//.test(hsUrl)) hs.fail('url', `expected an http(s) URL, got ${JSON.stringify(hsUrl)}`);

  const as = top.section('appservice');
  as.only('id', 'host', 'port', 'url', 'as_token', 'hs_token', 'bot_localpart', 'bot_displayname', 'ghost_template', 'alias_template');
  const host = as.string('host', '127.0.0.1');
  const port = as.int('port', undefined, 1, 65535);
  const ghostTemplate = as.string('ghost_template', `${network}_{id}`);
  if (!placeholders(ghostTemplate).includes('id')) as.fail('ghost_template', 'must contain {id}');
  const aliasTemplate = as.string('alias_template', `${network}_{id}`);
  if (!placeholders(aliasTemplate).includes('id')) as.fail('alias_template', 'must contain {id}');

  const br = top.section('bridge');
  br.only('command_prefix', 'permissions', 'relay', 'double_puppet', 'backfill');
  const permissions: Record<string, PermissionLevel> = {};
  const permSection = br.section('permissions');
  for (const k of Object.keys(permSection.raw)) permissions[k] = permSection.oneOf(k, PERMISSION_LEVELS);
  if (Object.keys(permSection.raw).length === 0) permissions[hs.string('server_name')] = 'user';
  const relay = br.section('relay');
  relay.only('enabled', 'template', 'html_template');
  const dp = br.section('double_puppet');
  dp.only('secrets');
  const secrets = dp.stringMap('secrets');
  const secretsReader = dp.section('secrets');
  for (const [server, secret] of Object.entries(secrets)) {
    if (!secret.startsWith('as_token:')) secretsReader.fail(server, 'expected "as_token:<token>"');
  }
  const backfill = br.section('backfill');
  backfill.only('initial_limit');

  if (top.has('database')) top.fail('database', 'not supported yet: the bridge keeps its state in data_dir (remove the key)');
  return {
    network,
    name,
    homeserver: { url: hsUrl.replace(/\/$/, ''), serverName: hs.string('server_name') },
    appservice: {
      id: as.string('id', name),
      host,
      port,
      url: as.string('url', `http://${host}:${port}`),
      asToken: as.string('as_token'),
      hsToken: as.string('hs_token'),
      botLocalpart: as.string('bot_localpart', `${network}bot`),
      botDisplayname: as.string('bot_displayname', `${network} bridge bot`),
      ghostTemplate,
      aliasTemplate,
    },
    bridge: {
      commandPrefix: br.string('command_prefix', `!${network}`),
      permissions,
      relay: {
        enabled: relay.bool('enabled', false),
        template: relay.string('template', '<{displayname}> {message}'),
        htmlTemplate: relay.string('html_template', '&lt;<b>{displayname}</b>&gt; {message}'),
      },
      doublePuppet: { secrets },
      backfill: { initialLimit: backfill.int('initial_limit', 50, 0, 10_000) },
    },
    dataDir: top.optionalString('data_dir'),
    networkSection: top.section(network),
  };
}
