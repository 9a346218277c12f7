// Alternate nicks tried when the wanted one is in use (433) or invalid (432): underscores
// first (what people recognise), then numeric suffixes, always within the server's NICKLEN.

export const DEFAULT_NICKLEN = 9; // RFC 2812 §1.2.1; servers announce more in ISUPPORT NICKLEN.

export function alternateNicks(nick: string, nickLen: number = DEFAULT_NICKLEN, count = 6): string[] {
  const out: string[] = [];
  const fit = (base: string, suffix: string) => base.slice(0, Math.max(1, nickLen - suffix.length)) + suffix;
  for (const suffix of ['_', '__']) out.push(fit(nick, suffix));
  for (let i = 1; out.length < count; i++) out.push(fit(nick, String(i)));
  return [...new Set(out)].filter((n) => n !== nick).slice(0, count);
}
