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
