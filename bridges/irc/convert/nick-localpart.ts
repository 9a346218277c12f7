// IRC nick ↔ ghost localpart, following the spec's suggested mapping (appendices, "Mapping from
// other character sets"): UTF-8, lowercase, other bytes and '=' as '=xx'. IRC nicks are
// case-insensitive, so by default case is folded (as matrix-appservice-irc does); with
// `keepCase`, upper-case letters are escaped as '_x' and '_' as '__' so the mapping is lossless.

const ALLOWED = /^[a-z0-9._\-/]$/;

export interface LocalpartOptions {
  keepCase?: boolean;
}

export function nickToLocalpart(nick: string, opts: LocalpartOptions = {}): string {
  let out = '';
  for (const byte of new TextEncoder().encode(nick)) {
    const ch = String.fromCharCode(byte);
    if (opts.keepCase && ch === '_') out += '__';
    else if (opts.keepCase && ch >= 'A' && ch <= 'Z') out += `_${ch.toLowerCase()}`;
    else if (!opts.keepCase && ch >= 'A' && ch <= 'Z') out += ch.toLowerCase();
    else if (byte < 0x80 && ALLOWED.test(ch)) out += ch;
    else out += `=${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of nickToLocalpart; undefined when the localpart is not a valid encoding. */
export function localpartToNick(localpart: string, opts: LocalpartOptions = {}): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < localpart.length; i++) {
    const ch = localpart[i]!;
    if (ch === '=') {
      const hex = localpart.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (opts.keepCase && ch === '_') {
      const next = localpart[i + 1];
      if (next === '_') bytes.push(0x5f);
      else if (next !== undefined && next >= 'a' && next <= 'z') bytes.push(next.toUpperCase().charCodeAt(0));
      else return undefined;
      i += 1;
    } else if (ALLOWED.test(ch)) {
      bytes.push(ch.charCodeAt(0));
    } else {
      return undefined;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}
