// Reads one YAML mapping with typed getters whose errors name the file and the dotted key, e.g.
// "bridges/irc.yaml: appservice.port: expected an integer 1-65535, got \"x\"". The kit's own config and
// each connector's section use the same reader, so every bad-config message has that shape.

export class ConfigError extends Error {
  readonly file: string;
  readonly key: string;
  constructor(file: string, key: string, problem: string) {
    super(`${file}: ${key}: ${problem}`);
    this.name = 'ConfigError';
    this.file = file;
    this.key = key;
  }
}

type Raw = Record<string, unknown>;
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

export class ConfigReader {
  readonly file: string;
  readonly path: string;
  readonly raw: Raw;

  constructor(file: string, raw: unknown, path = '') {
    this.file = file;
    this.path = path;
    if (raw === undefined || raw === null) raw = {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, path || '(top level)', `expected a mapping, got ${show(raw)}`);
    this.raw = raw as Raw;
  }

  key(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  fail(name: string, problem: string): never {
    throw new ConfigError(this.file, this.key(name), problem);
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string, fallback?: string): string {
    const v = this.raw[name];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      return this.fail(name, 'required, missing');
    }
    if (typeof v !== 'string' || v === '') return this.fail(name, `expected a non-empty string, got ${show(v)}`);
    return v;
  }

  optionalString(name: string): string | null {
    return this.has(name) ? this.string(name) : null;
  }

  int(name: string, fallback: number | undefined, min: number, max: number): number {
    const v = this.raw[name] ?? fallback;
    if (v === undefined) return this.fail(name, 'required, missing');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return this.fail(name, `expected an integer ${min}-${max}, got ${show(v)}`);
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw[name] ?? fallback;
    if (typeof v !== 'boolean') return this.fail(name, `expected true or false, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const v = this.string(name, fallback);
    if (!(allowed as readonly string[]).includes(v)) return this.fail(name, `expected one of ${allowed.join(', ')}, got ${show(v)}`);
    return v as T;
  }

  section(name: string): ConfigReader {
    return new ConfigReader(this.file, this.raw[name], this.key(name));
  }

  /** A mapping of string → string (e.g. permissions, double-puppet secrets). */
  stringMap(name: string): Record<string, string> {
    const section = this.section(name);
    const out: Record<string, string> = {};
    for (const k of Object.keys(section.raw)) out[k] = section.string(k);
    return out;
  }

  /** A list of mappings, each read by `each` with the key `name[i]`. */
  list<T>(name: string, each: (item: ConfigReader) => T): T[] {
    const v = this.raw[name] ?? [];
    if (!Array.isArray(v)) return this.fail(name, `expected a list, got ${show(v)}`);
    return v.map((item, i) => each(new ConfigReader(this.file, item, `${this.key(name)}[${i}]`)));
  }

  /** Rejects keys the schema does not know (a typo would otherwise be silently ignored). */
  only(...known: string[]): void {
    for (const k of Object.keys(this.raw)) if (!known.includes(k)) this.fail(k, `unknown key (known: ${known.join(', ')})`);
  }
}
