// Reads the registration folder (APPSERVICES_DIR): one YAML file per appservice, `*.yaml` or
// `*.yml`, other files ignored (README.md, editor backups). Parsing is cached by file content so
// the periodic rescan costs one readdir and one read per file, and an unchanged bad file is not
// reported again on every pass.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { parseRegistration, RegistrationError, type Registration } from './registration.ts';

const REGISTRATION_FILE = /\.ya?ml$/i;

export type Parsed = { ok: true; registration: Registration } | { ok: false; error: string; id: string | null };

export interface FolderFile {
  path: string;
  parsed: Parsed;
}

export class RegistrationFolder {
  readonly dir: string;
  readonly #serverName: string;
  readonly #cache = new Map<string, { text: string; parsed: Parsed }>();

  constructor(dir: string, serverName: string) {
    this.dir = dir;
    this.#serverName = serverName;
  }

  /** null when the folder does not exist (yet): nothing is loaded from it, and that is not an error. */
  async read(): Promise<FolderFile[] | null> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => REGISTRATION_FILE.test(n) && !n.startsWith('.')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const out: FolderFile[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      const path = join(this.dir, name);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        // Removed between readdir and read, or a directory named *.yaml.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        out.push({ path, parsed: { ok: false, error: `${path}: cannot be read: ${(e as Error).message}`, id: null } });
        continue;
      }
      seen.add(path);
      const cached = this.#cache.get(path);
      if (cached && cached.text === text) {
        out.push({ path, parsed: cached.parsed });
        continue;
      }
      const parsed = parseText(text, path, this.#serverName);
      this.#cache.set(path, { text, parsed });
      out.push({ path, parsed });
    }
    for (const path of this.#cache.keys()) if (!seen.has(path)) this.#cache.delete(path);
    return out;
  }
}

export function parseText(text: string, source: string, serverName: string): Parsed {
  let doc: unknown;
  try {
    doc = load(text, { filename: source });
  } catch (e) {
    return { ok: false, error: `${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, id: null };
  }
  return parseObject(doc, source, serverName);
}

export function parseObject(doc: unknown, source: string, serverName: string): Parsed {
  try {
    return { ok: true, registration: parseRegistration(doc, source, serverName) };
  } catch (e) {
    if (!(e instanceof RegistrationError)) throw e;
    const id = typeof doc === 'object' && doc !== null && typeof (doc as { id?: unknown }).id === 'string' ? (doc as { id: string }).id : null;
    return { ok: false, error: e.message, id };
  }
}
