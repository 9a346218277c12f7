// Backfill: when a portal is created, the network's recent history (oldest first) is sent into
// the room with each message's original time (`ts`, application-service-api "Timestamp
// massaging"), before any live message of that chat (the login's remote events wait meanwhile).
import type { Kit } from './runtime.ts';
import type { LoginRecord, PortalRecord } from './store.ts';
import { bridgeRemoteMessage } from './remote-events.ts';

export async function backfill(kit: Kit, login: LoginRecord, portal: PortalRecord): Promise<number> {
  const limit = kit.config.bridge.backfill.initialLimit;
  const client = kit.clients.get(login.id);
  if (!client?.fetchBackfill || limit === 0) return 0;
  let messages;
  try {
    messages = await client.fetchBackfill(portal.chatId, { limit });
  } catch (err) {
    kit.log('warn', `backfill ${portal.chatId}: ${(err as Error).message}`);
    return 0;
  }
  let sent = 0;
  for (const m of messages.slice(-limit)) {
    if (await bridgeRemoteMessage(kit, login, portal, m)) sent++;
  }
  return sent;
}
