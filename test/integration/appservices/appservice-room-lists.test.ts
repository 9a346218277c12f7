// Appservice room lists over the real store: what /publicRooms gets for third_party_instance_id
// and include_all_networks, and who may edit the lists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, type TestDatabase } from '../../support/database.ts';
import { runMigrations } from '../../../core/storage/migrate.ts';
import { APPSERVICES_MIGRATIONS_DIR, AppserviceRoomListStore } from '../../../appservices/store.ts';
import { createAppserviceRoomLists } from '../../../appservices/query/room-lists.ts';
import type { Requester } from '../../../core/spec/endpoint.ts';
import type { UserId } from '../../../core/spec/ids.ts';
import type { MatrixError } from '../../../core/spec/errors.ts';

let t: TestDatabase;
before(async () => {
  t = await testDatabase();
  await runMigrations(t.db, [{ feature: 'appservices', dir: APPSERVICES_MIGRATIONS_DIR }]);
});
after(() => t?.cleanup());

const as = (id: string): Requester => ({ userId: `@${id}bot:hs` as UserId, deviceId: null, tokenId: null, appserviceId: id, isGuest: false });
const human: Requester = { userId: '@alice:hs' as UserId, deviceId: 'D', tokenId: '1', appserviceId: null, isGuest: false };

test('publicRooms selection per instance, all networks, or the main directory only', async () => {
  let clock = 1;
  const lists = createAppserviceRoomLists({ store: new AppserviceRoomListStore(t.db), now: () => clock++ });
  await lists.setVisibility(as('irc'), 'libera', '!a:hs', 'public');
  await lists.setVisibility(as('irc'), 'libera', '!b:hs', 'public');
  await lists.setVisibility(as('irc'), 'oftc', '!c:hs', 'public');
  await lists.setVisibility(as('slack'), 'work', '!a:hs', 'public');

  assert.deepEqual(await lists.select({}), { includeMainDirectory: true, roomIds: [] });
  assert.deepEqual(await lists.select({ thirdPartyInstanceId: 'irc|libera' }), { includeMainDirectory: false, roomIds: ['!a:hs', '!b:hs'] });
  assert.deepEqual(await lists.select({ thirdPartyInstanceId: 'slack|work' }), { includeMainDirectory: false, roomIds: ['!a:hs'] });
  assert.deepEqual(await lists.select({ thirdPartyInstanceId: 'nonsense' }), { includeMainDirectory: false, roomIds: [] });
  assert.deepEqual(await lists.select({ includeAllNetworks: true }), { includeMainDirectory: true, roomIds: ['!a:hs', '!b:hs', '!c:hs'] });
  await assert.rejects(lists.select({ includeAllNetworks: true, thirdPartyInstanceId: 'irc|libera' }), (e: MatrixError) => e.errcode === 'M_INVALID_PARAM');

  // private unlists; another appservice's entry for the same room stays.
  await lists.setVisibility(as('irc'), 'libera', '!a:hs', 'private');
  assert.deepEqual((await lists.select({ thirdPartyInstanceId: 'irc|libera' })).roomIds, ['!b:hs']);
  await lists.setVisibility(as('irc'), 'libera', '!b:hs', 'private');
  assert.deepEqual((await lists.select({ thirdPartyInstanceId: 'irc|libera' })).roomIds, []);
  assert.deepEqual((await lists.select({ thirdPartyInstanceId: 'slack|work' })).roomIds, ['!a:hs']);

  await assert.rejects(lists.setVisibility(human, 'libera', '!a:hs', 'public'), (e: MatrixError) => e.errcode === 'M_FORBIDDEN');
  await assert.rejects(lists.setVisibility(as('irc'), 'libera', 'not-a-room', 'public'), (e: MatrixError) => e.errcode === 'M_INVALID_PARAM');
});
