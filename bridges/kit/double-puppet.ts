// Double puppeting: messages the user sent from another client of the network appear in Matrix as
// sent by the user's own Matrix account. Like mautrix's `as_token:` secrets: per server, the
// as_token of an appservice registered with `url: null` and a namespace covering that server's
// users (`@.*:server`), used with `?user_id=` (application-service-api, identity assertion).
// Sends carry `fi.mau.double_puppet_source` so the bridge recognises the echo and does not send
// the message back to the network.

export const DOUBLE_PUPPET_SOURCE = 'fi.mau.double_puppet_source';

export interface DoublePuppet {
  readonly userId: string;
  join(roomId: string): Promise<void>;
  send(roomId: string, type: string, content: Record<string, unknown>, ts: number | undefined, txnId: string): Promise<string>;
  redact(roomId: string, eventId: string, txnId: string): Promise<void>;
}

export function doublePuppetFor(homeserverUrl: string, secrets: Readonly<Record<string, string>>, bridgeId: string, userId: string): DoublePuppet | null {
  const server = userId.slice(userId.indexOf(':') + 1);
  const secret = secrets[server];
  if (!secret) return null;
  const token = secret.slice('as_token:'.length);
  const enc = encodeURIComponent;
  const request = async (method: string, path: string, body: unknown, ts?: number): Promise<Record<string, unknown>> => {
    const qs = `user_id=${enc(userId)}${ts !== undefined ? `&ts=${ts}` : ''}`;
    const res = await fetch(`${homeserverUrl}/_matrix/client/v3${path}?${qs}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new Error(`double puppet ${userId}: ${method} ${path}: ${res.status} ${String(json.errcode ?? '')} ${String(json.error ?? '')}`);
    return json;
  };
  return {
    userId,
    join: async (roomId) => void (await request('POST', `/join/${enc(roomId)}`, {})),
    send: async (roomId, type, content, ts, txnId) =>
      (await request('PUT', `/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`, { ...content, [DOUBLE_PUPPET_SOURCE]: bridgeId }, ts)).event_id as string,
    redact: async (roomId, eventId, txnId) => void (await request('PUT', `/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txnId)}`, {})),
  };
}
