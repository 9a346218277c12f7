// Pure namespace matching for appservice registrations (application-service-api "Registration":
// namespaces.users / aliases / rooms, each a list of { regex, exclusive }). Compiled once per
// registration. Regex semantics follow Synapse, which uses Python's `re.match`: anchored at the
// start of the id but not at the end, so `@_irc_.*` matches `@_irc_bob:example.org` and so does
// `@_irc_` alone. We compile `^(?:regex)` to get the same behaviour from JavaScript's engine.

export type NamespaceKind = 'users' | 'aliases' | 'rooms';
export const NAMESPACE_KINDS: readonly NamespaceKind[] = ['users', 'aliases', 'rooms'];

export interface NamespaceEntry {
  readonly regex: string;
  readonly exclusive: boolean;
}

export type NamespaceSpec = Readonly<Record<NamespaceKind, readonly NamespaceEntry[]>>;

interface Compiled {
  readonly entry: NamespaceEntry;
  readonly re: RegExp;
}

/** Thrown by compilePythonRegex when a pattern is not valid; the message says why. */
export class NamespaceRegexError extends Error {}

/**
 * Translates the Python `re` syntax registrations are written in (they are written for Synapse)
 * into a JavaScript RegExp with `re.match` anchoring: named groups `(?P<n>...)` and `(?P=n)`,
 * `\A` and `\Z`, and a leading inline `(?i)` flag. Everything else is common to both dialects.
 */
export function compilePythonRegex(source: string): RegExp {
  let flags = '';
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1]!) {
      if (f === 'i' || f === 's' || f === 'm') flags += flags.includes(f) ? '' : f;
      else if (f !== 'u' && f !== 'a') throw new NamespaceRegexError(`unsupported inline flag (?${f})`);
    }
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  try {
    return new RegExp(`^(?:${body})`, flags);
  } catch (e) {
    throw new NamespaceRegexError((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

/** One registration's namespaces, compiled. */
export class Namespaces {
  readonly spec: NamespaceSpec;
  readonly #compiled: Readonly<Record<NamespaceKind, readonly Compiled[]>>;

  private constructor(spec: NamespaceSpec, compiled: Record<NamespaceKind, Compiled[]>) {
    this.spec = spec;
    this.#compiled = compiled;
  }

  /** Throws NamespaceRegexError naming `<kind>[<index>].regex` for a pattern that does not compile. */
  static compile(spec: NamespaceSpec): Namespaces {
    const compiled = { users: [], aliases: [], rooms: [] } as Record<NamespaceKind, Compiled[]>;
    for (const kind of NAMESPACE_KINDS) {
      spec[kind].forEach((entry, i) => {
        try {
          compiled[kind].push({ entry, re: compilePythonRegex(entry.regex) });
        } catch (e) {
          throw new NamespaceRegexError(`namespaces.${kind}[${i}].regex: ${(e as Error).message}`);
        }
      });
    }
    return new Namespaces(spec, compiled);
  }

  /** Whether any namespace of this kind (exclusive or not) matches the id. */
  matches(kind: NamespaceKind, id: string): boolean {
    return this.#compiled[kind].some((c) => c.re.test(id));
  }

  /** Whether an exclusive namespace of this kind matches the id. */
  matchesExclusive(kind: NamespaceKind, id: string): boolean {
    return this.#compiled[kind].some((c) => c.entry.exclusive && c.re.test(id));
  }

  isInterestedInUser(userId: string): boolean {
    return this.matches('users', userId);
  }

  isInterestedInAlias(alias: string): boolean {
    return this.matches('aliases', alias);
  }

  isInterestedInRoom(roomId: string): boolean {
    return this.matches('rooms', roomId);
  }

  exclusiveEntries(kind: NamespaceKind): readonly { entry: NamespaceEntry; re: RegExp }[] {
    return this.#compiled[kind].filter((c) => c.entry.exclusive);
  }
}

export interface ExclusiveOverlap {
  readonly kind: NamespaceKind;
  readonly appservices: readonly [string, string];
  readonly regexes: readonly [string, string];
}

const CLASS_SAMPLE: Record<string, string> = { d: '0', w: 'a', s: ' ' };

/**
 * A string that a pattern written the usual way (literal text, escaped dots, `.*`, `.+`,
 * character classes, groups) matches: literal text kept, wildcards dropped or replaced by one
 * character, the first alternative of a `|`. Used only to guess at overlaps.
 */
export function sampleOf(regex: string): string {
  let out = '';
  let i = regex.startsWith('(?') && /^\(\?[aiLmsux]+\)/.test(regex) ? regex.indexOf(')') + 1 : 0;
  while (i < regex.length) {
    const c = regex[i]!;
    let piece: string;
    if (c === '|') {
      const close = closingParen(regex, i);
      if (close < 0) break; // top-level alternative: the first branch is the sample
      i = close; // inside a group: skip the other branches
      continue;
    }
    if (c === '\\') {
      const e = regex[i + 1] ?? '';
      piece = CLASS_SAMPLE[e] ?? e;
      i += 2;
    } else if (c === '[') {
      const close = regex.indexOf(']', i + 2);
      const body = regex.slice(i + 1, close < 0 ? regex.length : close);
      piece = body.startsWith('^') ? 'x' : body[0] === '\\' ? (CLASS_SAMPLE[body[1] ?? ''] ?? body[1] ?? '') : (body[0] ?? '');
      i = close < 0 ? regex.length : close + 1;
    } else if (c === '(') {
      i += regex.startsWith('(?:', i) ? 3 : 1;
      continue;
    } else if (c === ')' || c === '^' || c === '$') {
      i += 1;
      while (c === ')' && '*+?'.includes(regex[i] ?? '.')) i += 1; // quantified group: sample it once
      continue;
    } else {
      piece = c === '.' ? 'x' : c;
      i += 1;
    }
    const q = regex[i];
    if (q === '*' || q === '?') {
      piece = '';
      i += 1;
    } else if (q === '+') i += 1;
    else if (q === '{') {
      const m = /^\{(\d*)(?:,\d*)?\}/.exec(regex.slice(i));
      if (m) {
        piece = piece.repeat(Number(m[1] || 0));
        i += m[0].length;
      }
    }
    if (regex[i] === '?') i += 1; // lazy quantifier
    out += piece;
  }
  return out;
}

/** The index of the `)` closing the group that position `at` is inside, or -1 at top level. */
function closingParen(regex: string, at: number): number {
  let depth = 0;
  for (let i = at; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') i += 1;
    else if (c === '[') i = Math.max(i, regex.indexOf(']', i + 2));
    else if (c === '(') depth += 1;
    else if (c === ')') {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}

/**
 * Whether some string matches both: tried on each pattern's sample and on one sample followed by
 * any tail of the other (so `@_irc_.*:example\.org` and `@_irc_net_.*` meet in
 * `@_irc_net_:example.org`).
 */
function mayOverlap(a: RegExp, aSrc: string, b: RegExp, bSrc: string): boolean {
  const sa = sampleOf(aSrc);
  const sb = sampleOf(bSrc);
  const both = (s: string) => a.test(s) && b.test(s);
  if (both(sa) || both(sb)) return true;
  for (let k = 0; k <= Math.max(sa.length, sb.length); k++) {
    if (both(sb + sa.slice(k)) || both(sa + sb.slice(k))) return true;
  }
  return false;
}

/**
 * Overlapping exclusive claims between appservices: two exclusive regexes of one kind, from
 * different appservices, for which a string built from their samples matches both. Regex intersection is not
 * decidable in general (backreferences, lookaheads), so this catches the overlaps people make
 * (the same pattern twice, one prefix inside another) and is reported as a warning, never used
 * to refuse a registration.
 */
export function findExclusiveOverlaps(list: readonly { id: string; namespaces: Namespaces }[]): ExclusiveOverlap[] {
  const out: ExclusiveOverlap[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      for (const kind of NAMESPACE_KINDS) {
        for (const x of a.namespaces.exclusiveEntries(kind)) {
          for (const y of b.namespaces.exclusiveEntries(kind)) {
            if (x.entry.regex === y.entry.regex || mayOverlap(x.re, x.entry.regex, y.re, y.entry.regex)) out.push({ kind, appservices: [a.id, b.id], regexes: [x.entry.regex, y.entry.regex] });
          }
        }
      }
    }
  }
  return out;
}
