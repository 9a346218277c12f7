// Helpers for the appservice tests: registration files and polling for hot-reload effects.

export interface RegistrationFields {
  id: string;
  asToken?: string;
  hsToken?: string;
  sender?: string;
  /** The exclusive users regex. */
  users?: string;
  url?: string | null;
  rateLimited?: boolean;
  extra?: string;
}

export function registrationYaml(f: RegistrationFields): string {
  const url = f.url === undefined || f.url === null ? 'null' : JSON.stringify(f.url);
  return [
    `id: ${f.id}`,
    `url: ${url}`,
    `as_token: ${f.asToken ?? `as-${f.id}`}`,
    `hs_token: ${f.hsToken ?? `hs-${f.id}`}`,
    `sender_localpart: ${f.sender ?? `${f.id}bot`}`,
    ...(f.rateLimited !== undefined ? [`rate_limited: ${f.rateLimited}`] : []),
    'namespaces:',
    '  users:',
    `    - regex: '${f.users ?? `@_${f.id}_.*`}'`,
    '      exclusive: true',
    '  aliases:',
    `    - regex: '#_${f.id}_.*'`,
    '      exclusive: true',
    '  rooms: []',
    ...(f.extra ? [f.extra] : []),
    '',
  ].join('\n');
}

/** Polls until check() holds (hot reload is asynchronous); fails after timeoutMs. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Sends `n` messages through the real Client-Server API, spread over `rooms` (message i goes to
 * rooms[i % rooms.length] with body `n<i>`), one sequential sender per room so each room's
 * order is the order of its numbers. Returns the numbers whose send was acknowledged.
 */
export async function burst(send: (roomId: string, i: number) => Promise<unknown>, rooms: readonly string[], n: number, from = 0): Promise<number[]> {
  const acked: number[] = [];
  await Promise.all(
    rooms.map(async (roomId, r) => {
      const first = from + ((r - (from % rooms.length) + rooms.length) % rooms.length);
      for (let i = first; i < from + n; i += rooms.length) {
        await send(roomId, i);
        acked.push(i);
      }
    }),
  );
  return acked.sort((a, b) => a - b);
}

/** Per room, the message numbers in the order the appservice received them. */
export function numbersByRoom(events: readonly Record<string, unknown>[], rooms: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>(rooms.map((r) => [r, []]));
  for (const e of events) {
    if (e.type !== 'm.room.message') continue;
    out.get(e.room_id as string)?.push(Number(String((e.content as { body: string }).body).slice(1)));
  }
  return out;
}
