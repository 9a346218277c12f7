// Channel membership prefixes (ISUPPORT PREFIX modes such as o, v) ↔ Matrix power levels. The
// mapping is configuration; the default follows matrix-appservice-irc (op 50, voice 1) and adds
// the common extended prefixes.

export type ModePowerMap = Readonly<Record<string, number>>;

export const DEFAULT_MODE_POWER: ModePowerMap = { q: 100, a: 75, o: 50, h: 25, v: 1 };

/** The power level for a member with these prefix modes: the highest mapped one, else 0. */
export function powerLevelForModes(modes: Iterable<string>, map: ModePowerMap = DEFAULT_MODE_POWER): number {
  let level = 0;
  for (const m of modes) level = Math.max(level, map[m] ?? 0);
  return level;
}

/**
 * The IRC mode changes that make a member's prefixes match a Matrix power level: modes above
 * the level are removed; the highest mode the level reaches is added unless one at least as high
 * is already held. Only modes the server offers (`available`) are used.
 */
export function modeChangesForPowerLevel(
  held: Iterable<string>,
  level: number,
  available: Iterable<string>,
  map: ModePowerMap = DEFAULT_MODE_POWER,
): { add: string[]; remove: string[] } {
  const heldSet = new Set(held);
  const offered = [...available].filter((m) => map[m] !== undefined).sort((a, b) => map[b]! - map[a]!);
  const remove = [...heldSet].filter((m) => map[m] !== undefined && map[m]! > level);
  const target = offered.find((m) => map[m]! <= level && map[m]! > 0);
  const keptTop = Math.max(0, ...[...heldSet].filter((m) => !remove.includes(m)).map((m) => map[m] ?? 0));
  const add = target && map[target]! > keptTop ? [target] : [];
  return { add, remove };
}

/** Parses ISUPPORT PREFIX, e.g. "(qaohv)~&@%+", into mode → prefix character, highest first. */
export function parsePrefixSupport(value: string): { mode: string; symbol: string }[] {
  const m = /^\(([^)]*)\)(.*)$/.exec(value);
  if (!m || m[1]!.length !== m[2]!.length) return [{ mode: 'o', symbol: '@' }, { mode: 'v', symbol: '+' }];
  return [...m[1]!].map((mode, i) => ({ mode, symbol: m[2]![i]! }));
}
