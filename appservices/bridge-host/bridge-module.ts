// Finds and loads the BridgeModule a bridge config names (bridges/kit/plugin.ts is the seam).
// A config's top-level `network` key picks `bridges/<network>/index.ts` under the repository;
// an optional `module` key names a third-party bridge instead: a path (relative to the config
// file's folder) or a package name. Modules are loaded by dynamic import only, so core never
// depends on a bridge, and every failure is an Error whose message names the config file.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import type { BridgeModule } from '../../bridges/kit/plugin.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NETWORK = /^[a-z0-9][a-z0-9_-]*$/;

export class BridgeLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeLoadError';
  }
}

export interface BridgeFileHeader {
  network: string;
  /** The `module` key as written; null = the built-in bridges/<network>/index.ts. */
  module: string | null;
}

/** Reads the keys the host needs from a bridge config's text; the bridge validates the rest. */
export function parseBridgeHeader(text: string, path: string): BridgeFileHeader {
  let doc: unknown;
  try {
    doc = load(text, { filename: path });
  } catch (e) {
    throw new BridgeLoadError(`${path}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new BridgeLoadError(`${path}: the file must hold a YAML mapping`);
  const { network, module } = doc as Record<string, unknown>;
  if (typeof network !== 'string' || !NETWORK.test(network)) {
    throw new BridgeLoadError(`${path}: network: must be a bridge name such as "irc" (lower-case letters, digits, - and _)`);
  }
  if (module !== undefined && (typeof module !== 'string' || module === '')) throw new BridgeLoadError(`${path}: module: must be a path or a package name`);
  return { network, module: (module as string | undefined) ?? null };
}

/** The networks with a built-in bridge: every bridges/<network>/index.ts. */
export function availableNetworks(root = REPO_ROOT): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, 'bridges'));
  } catch {
    return [];
  }
  return names.filter((n) => n !== 'kit' && NETWORK.test(n) && existsSync(join(root, 'bridges', n, 'index.ts'))).sort();
}

/** The import specifier for a header: a file URL for paths, the package name otherwise. */
export function moduleSpecifier(header: BridgeFileHeader, configPath: string, root = REPO_ROOT): string {
  const { network, module } = header;
  if (module === null) {
    const entry = join(root, 'bridges', network, 'index.ts');
    if (!existsSync(entry)) {
      const known = availableNetworks(root);
      throw new BridgeLoadError(`${configPath}: network: unknown network "${network}" (available: ${known.length > 0 ? known.join(', ') : 'none'}; or set module: to a third-party bridge)`);
    }
    return pathToFileURL(entry).href;
  }
  const isPath = module.startsWith('.') || isAbsolute(module);
  return isPath ? pathToFileURL(resolve(dirname(configPath), module)).href : module;
}

/** Imports the module and checks that its `bridge` export fits the seam and the network. */
export async function importBridgeModule(header: BridgeFileHeader, configPath: string, root = REPO_ROOT): Promise<BridgeModule> {
  const specifier = moduleSpecifier(header, configPath, root);
  let mod: { bridge?: unknown };
  try {
    mod = (await import(specifier)) as { bridge?: unknown };
  } catch (e) {
    throw new BridgeLoadError(`${configPath}: module: cannot load ${header.module ?? specifier}: ${(e as Error).message.split('\n')[0]}`);
  }
  const b = mod.bridge as Partial<BridgeModule> | undefined;
  if (!b || typeof b !== 'object' || typeof b.start !== 'function' || typeof b.generate !== 'function' || typeof b.network !== 'string') {
    throw new BridgeLoadError(`${configPath}: module: ${header.module ?? specifier} does not export \`bridge\` (a BridgeModule with network, generate and start)`);
  }
  if (b.network !== header.network) {
    throw new BridgeLoadError(`${configPath}: network: "${header.network}" does not match the module's network "${b.network}"`);
  }
  return b as BridgeModule;
}
