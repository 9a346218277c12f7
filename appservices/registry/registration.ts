// One appservice registration in Synapse's format (application-service-api "Registration";
// Synapse docs "Registering an Application Service"), parsed and validated. Errors name the
// source (file path or "admin API") and the key, so an operator can fix the file at once.
import { isValidLocalpart, MAX_ID_BYTES, userIdOf, type UserId } from '../../core/spec/ids.ts';
import { Namespaces, NAMESPACE_KINDS, NamespaceRegexError, type NamespaceEntry, type NamespaceKind } from '../namespaces.ts';

export interface Registration {
  readonly id: string;
  /** null: the homeserver never pushes to this appservice (e.g. double puppeting only). */
  readonly url: string | null;
  readonly asToken: string;
  readonly hsToken: string;
  readonly senderLocalpart: string;
  readonly senderUserId: UserId;
  readonly namespaces: Namespaces;
  readonly rateLimited: boolean;
  readonly protocols: readonly string[];
  /** MSC2409 / spec v1.?: typing, receipts and presence in transactions. */
  readonly receiveEphemeral: boolean;
  /** MSC2409 `de.sorunome.msc2409.to_device`: to-device messages for namespaced users. */
  readonly receiveToDevice: boolean;
  /** MSC3202 `org.matrix.msc3202`: device lists and one-time key counts, device masquerading. */
  readonly msc3202: boolean;
  /** MSC4190 `io.element.msc4190`: the appservice manages its users' devices itself. */
  readonly msc4190: boolean;
  /** The registration as written (JSON-compatible), for the database and the admin API. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export class RegistrationError extends Error {
  readonly source: string;
  readonly key: string;
  constructor(source: string, key: string, message: string) {
    super(`${source}: ${key ? `${key}: ` : ''}${message}`);
    this.source = source;
    this.key = key;
  }
}

/** Keys that select behaviour; their legacy spellings are accepted as Synapse accepts them. */
const EPHEMERAL_KEYS = ['receive_ephemeral', 'de.sorunome.msc2409.push_ephemeral', 'push_ephemeral'] as const;

export function parseRegistration(raw: unknown, source: string, serverName: string): Registration {
  const fail = (key: string, message: string) => new RegistrationError(source, key, message);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('', 'a registration must be a YAML mapping');
  const r = raw as Record<string, unknown>;
  const nonEmpty = (key: string): string => {
    const v = r[key];
    if (v === undefined) throw fail(key, 'is required');
    // Token values are never echoed into errors (they end up in logs): only their type is.
    const got = key.endsWith('_token') ? (v === null ? 'null' : typeof v) : describe(v);
    if (typeof v !== 'string' || v.trim() === '') throw fail(key, `must be a non-empty string, got ${got}`);
    return v;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const v = r[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw fail(key, `must be true or false, got ${describe(v)}`);
    return v;
  };

  const id = nonEmpty('id');
  if (!('url' in r)) throw fail('url', 'is required (use null for an appservice the homeserver never pushes to)');
  let url: string | null = null;
  if (r.url !== null) {
    if (typeof r.url !== 'string') throw fail('url', `must be a URL or null, got ${describe(r.url)}`);
    let parsed: URL;
    try {
      parsed = new URL(r.url);
    } catch {
      throw fail('url', `is not a valid URL: ${r.url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw fail('url', `must be http or https, got ${parsed.protocol}`);
    url = r.url;
  }
  const asToken = nonEmpty('as_token');
  const hsToken = nonEmpty('hs_token');
  if (asToken === hsToken) throw fail('hs_token', 'must differ from as_token');
  const senderLocalpart = nonEmpty('sender_localpart');
  const senderUserId = userIdOf(senderLocalpart, serverName);
  if (!isValidLocalpart(senderLocalpart) || Buffer.byteLength(senderUserId) > MAX_ID_BYTES) {
    throw fail('sender_localpart', `is not a valid user localpart: ${senderLocalpart}`);
  }

  const namespaces = parseNamespaces(r.namespaces, fail);
  const protocols = r.protocols ?? [];
  if (!Array.isArray(protocols) || !protocols.every((p) => typeof p === 'string' && p !== '')) {
    throw fail('protocols', 'must be a list of protocol names');
  }
  let receiveEphemeral = false;
  for (const key of EPHEMERAL_KEYS) receiveEphemeral ||= flag(key, false);

  return {
    id,
    url,
    asToken,
    hsToken,
    senderLocalpart,
    senderUserId,
    namespaces,
    rateLimited: flag('rate_limited', true),
    protocols: protocols as string[],
    receiveEphemeral,
    receiveToDevice: flag('de.sorunome.msc2409.to_device', false),
    msc3202: flag('org.matrix.msc3202', false),
    msc4190: flag('io.element.msc4190', false),
    raw: JSON.parse(JSON.stringify(r)) as Record<string, unknown>,
  };
}

function parseNamespaces(value: unknown, fail: (key: string, message: string) => RegistrationError): Namespaces {
  if (value === undefined || value === null) return Namespaces.compile({ users: [], aliases: [], rooms: [] });
  if (typeof value !== 'object' || Array.isArray(value)) throw fail('namespaces', 'must be a mapping with users, aliases and rooms');
  const ns = value as Record<string, unknown>;
  const spec = { users: [], aliases: [], rooms: [] } as Record<NamespaceKind, NamespaceEntry[]>;
  for (const kind of NAMESPACE_KINDS) {
    const list = ns[kind];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw fail(`namespaces.${kind}`, 'must be a list of { regex, exclusive }');
    list.forEach((item: unknown, i) => {
      const at = `namespaces.${kind}[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw fail(at, 'must be a mapping with regex and exclusive');
      const { regex, exclusive } = item as Record<string, unknown>;
      if (typeof regex !== 'string' || regex === '') throw fail(`${at}.regex`, `must be a non-empty string, got ${describe(regex)}`);
      if (typeof exclusive !== 'boolean') throw fail(`${at}.exclusive`, `must be true or false, got ${describe(exclusive)}`);
      spec[kind].push({ regex, exclusive });
    });
  }
  try {
    return Namespaces.compile(spec);
  } catch (e) {
    if (e instanceof NamespaceRegexError) {
      const [key, ...rest] = e.message.split(': ');
      throw fail(key!, `is not a valid regular expression: ${rest.join(': ')}`);
    }
    throw e;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
