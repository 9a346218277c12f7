// IRCv3 message tags (https://ircv3.net/specs/extensions/message-tags): value escaping and the
// client tags this bridge sends (+draft/reply, +draft/react).

const ESCAPES: Record<string, string> = { ';': '\\:', ' ': '\\s', '\\': '\\\\', '\r': '\\r', '\n': '\\n' };

export function escapeTagValue(value: string): string {
  return value.replace(/[; \\\r\n]/g, (c) => ESCAPES[c]!);
}

/** "@k=v;k2 " prefix for a line, or "" when there are no tags. */
export function formatTags(tags: Readonly<Record<string, string | true>>): string {
  const parts = Object.entries(tags).map(([k, v]) => (v === true || v === '' ? k : `${k}=${escapeTagValue(v)}`));
  return parts.length ? `@${parts.join(';')} ` : '';
}
