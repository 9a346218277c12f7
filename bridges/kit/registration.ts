// `generate()`: a new instance's config and its Synapse-format registration, from the host's
// options and fresh tokens. Pure; the connector adds its documented network section.
import { dump } from 'js-yaml';
import type { NewBridgeFiles, NewBridgeOptions } from './plugin.ts';
import { localpartRegex } from './templates.ts';

export interface GenerateInput {
  readonly network: string;
  /** The network section's default content (documented YAML mapping). */
  readonly networkDefaults: Record<string, unknown>;
  readonly ghostTemplate?: string;
  readonly aliasTemplate?: string;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function registrationFor(o: {
  id: string;
  url: string | null;
  asToken: string;
  hsToken: string;
  botLocalpart: string;
  serverName: string;
  ghostTemplate: string;
  aliasTemplate: string;
  network: string;
}): Record<string, unknown> {
  const server = escapeRegex(o.serverName);
  return {
    id: o.id,
    url: o.url,
    as_token: o.asToken,
    hs_token: o.hsToken,
    sender_localpart: o.botLocalpart,
    rate_limited: false,
    // Typing notifications reach the bridge as ephemeral events (MSC2409, stable name and the old one).
    receive_ephemeral: true,
    'de.sorunome.msc2409.push_ephemeral': true,
    protocols: [o.network],
    namespaces: {
      users: [
        { regex: `@${localpartRegex(o.ghostTemplate)}:${server}`, exclusive: true },
        { regex: `@${escapeRegex(o.botLocalpart)}:${server}`, exclusive: true },
      ],
      aliases: [{ regex: `#${localpartRegex(o.aliasTemplate)}:${server}`, exclusive: true }],
      rooms: [],
    },
  };
}

export function generateFiles(input: GenerateInput, options: NewBridgeOptions): NewBridgeFiles {
  const ghostTemplate = input.ghostTemplate ?? `${input.network}_{id}`;
  const aliasTemplate = input.aliasTemplate ?? `${input.network}_{id}`;
  const botLocalpart = `${options.name}bot`;
  const url = `http://${options.listenHost}:${options.listenPort}`;
  const config = {
    network: input.network,
    name: options.name,
    homeserver: { url: options.homeserverUrl, server_name: options.serverName },
    appservice: {
      id: options.name,
      host: options.listenHost,
      port: options.listenPort,
      url,
      as_token: options.asToken,
      hs_token: options.hsToken,
      bot_localpart: botLocalpart,
      ghost_template: ghostTemplate,
      alias_template: aliasTemplate,
    },
    bridge: {
      command_prefix: `!${input.network}`,
      permissions: { '*': 'relay', [options.serverName]: 'user' },
      relay: { enabled: false, template: '<{displayname}> {message}' },
      double_puppet: { secrets: {} },
      backfill: { initial_limit: 50 },
    },
    data_dir: null,
    [input.network]: input.networkDefaults,
  };
  const header =
    `# ${input.network} bridge "${options.name}" (Switchyard bridge kit; keys documented in bridges/kit/README.md).\n` +
    `# The tokens here must match the registration in the hub's APPSERVICES_DIR.\n`;
  const registration = registrationFor({
    id: options.name,
    url,
    asToken: options.asToken,
    hsToken: options.hsToken,
    botLocalpart,
    serverName: options.serverName,
    ghostTemplate,
    aliasTemplate,
    network: input.network,
  });
  return { configYaml: header + dump(config, { lineWidth: 120 }), registrationYaml: dump(registration, { lineWidth: 120 }) };
}
