// Pure template rules: ghost user ids, alias localparts, the relay message and registration regexes.
// Localpart escaping follows the spec's "Mapping from other character sets" (appendices,
// identifier grammar: user ids): a-z 0-9 . - / + = stay (but '=' starts an escape), '_' doubles,
// A-Z become '_' + lowercase, any other UTF-8 byte becomes '=xx'.

const PLACEHOLDER = /\{([a-z_]+)\}/g;

export function escapeLocalpart(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    const ch = String.fromCharCode(byte);
    if (/[a-z0-9.\-/+]/.test(ch)) out += ch;
    else if (ch === '_') out += '__';
    else if (/[A-Z]/.test(ch)) out += '_' + ch.toLowerCase();
    else out += '=' + byte.toString(16).padStart(2, '0');
  }
  return out;
}

/** Placeholders a template uses, in order. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * Fills `{name}` placeholders with escaped values. A missing value throws: a ghost id that silently
 * lost a part would collide with other users.
 */
export function fillLocalpart(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template ${template}: no value for {${name}}`);
    return escapeLocalpart(v);
  });
}

/** Regex for a namespace: literal parts escaped, each placeholder any escaped localpart text. */
export function localpartRegex(template: string): string {
  return template
    .split(PLACEHOLDER)
    .map((part, i) => (i % 2 === 1 ? '[a-z0-9._=\\-/+]+' : part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
}

/** The relay template (`<{displayname}> {message}`); unknown placeholders are left as written. */
export function relayText(template: string, values: { displayname: string; userid: string; message: string }): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as keyof typeof values] : whole));
}
