// The `rooms` part of a /sync response: which rooms go in join / invite / knock / leave, and
// what each carries (client-server-api "Syncing", sync.yaml).
// - Membership is taken at the `upto` events position (a later change waits for the next sync).
// - Initial sync: every joined, invited and knocked room; left rooms only with include_leave.
// - Incremental: joined rooms with new events, ephemeral or account data, rooms joined in the
//   range (sent in full), and invites, knocks and leaves that happened in the range (a leave in
//   the range is always sent, so clients learn of kicks and bans).
import type { AccountDataChanges, AccountDataEvent } from '../account-data/api.ts';
import { eventMatches, includeLeave, memberLoading, roomAllowed, roomIncluded, unreadThreadNotifications } from '../filters/apply.ts';
import type { Membership, RoomMembershipRow } from '../rooms/api.ts';
import type { SyncContext } from './context.ts';
import { roomCounts } from './counts.ts';
import { prefetchRooms } from './prefetch.ts';
import { buildRoom, roomSummary } from './room-timeline.ts';

export interface RoomsSection {
  join: Record<string, Record<string, unknown>>;
  invite: Record<string, Record<string, unknown>>;
  knock: Record<string, Record<string, unknown>>;
  leave: Record<string, Record<string, unknown>>;
}

/** Membership rows at the upto position; rooms whose current row is newer are looked up. */
export async function membershipsAt(ctx: SyncContext): Promise<RoomMembershipRow[]> {
  const { rooms } = ctx.deps;
  const upto = ctx.upto.events;
  const { memberships, tracker } = ctx.caches;
  // Initial syncs and include_leave may show forgotten rooms' absence: always read those.
  const cacheable = ctx.since !== null && !includeLeave(ctx.filter);
  const cached = cacheable ? memberships.get(tracker, ctx.userId, upto) : null;
  if (cached) return cached;
  const current = await rooms.roomsForUser(ctx.userId);
  if (current.every((row) => row.streamOrdering <= upto)) memberships.set(ctx.userId, upto, current);
  const out: RoomMembershipRow[] = [];
  for (const row of current) {
    if (row.streamOrdering <= upto) {
      out.push(row);
      continue;
    }
    const then = await rooms.membershipAt(row.roomId, ctx.userId, upto);
    if (then) out.push({ ...row, membership: then });
  }
  return out;
}

export async function roomsSection(ctx: SyncContext, memberships: readonly RoomMembershipRow[], accountData: AccountDataChanges): Promise<RoomsSection> {
  const { rooms, typing, receipts } = ctx.deps;
  const out: RoomsSection = { join: {}, invite: {}, knock: {}, leave: {} };
  const since = ctx.since;
  const upto = ctx.upto;
  const visible = memberships.filter((m) => roomIncluded(ctx.filter, m.roomId));
  const joined = visible.filter((m) => m.membership === 'join');

  // Which joined rooms to send, and which in full.
  const { tracker } = ctx.caches;
  const changes = since && tracker.membershipChanged(ctx.userId, since.events, upto.events) !== false ? await rooms.membershipChanges(ctx.userId, since.events, upto.events) : [];
  const changedRooms = new Set(changes.map((c) => c.roomId));
  const newlyJoined = new Set<string>();
  if (since) {
    for (const m of joined) if (changedRooms.has(m.roomId) && (await rooms.membershipAt(m.roomId, ctx.userId, since.events)) !== 'join') newlyJoined.add(m.roomId);
  }
  const joinedIds = joined.map((m) => m.roomId);
  const withEvents =
    since && !ctx.fullState
      ? new Set(tracker.roomsWithEvents(joinedIds, since.events, upto.events) ?? (await rooms.roomsWithEvents(joinedIds, since.events, upto.events)))
      : new Set(joinedIds);
  const ephemeralFilter = ctx.filter.room?.ephemeral;
  const wantEphemeral = (type: string) => eventMatches(ephemeralFilter, { type }) && ephemeralFilter?.limit !== 0;
  const typingRooms = wantEphemeral('m.typing') ? typing.typingSince(joinedIds, since?.typing ?? 0) : [];
  const receiptRooms = wantEphemeral('m.receipt') && (since?.receipts ?? 0) < upto.receipts ? await receipts.receiptsSince(ctx.userId, joinedIds, since?.receipts ?? 0, upto.receipts) : [];
  const ephemeral = new Map<string, Record<string, unknown>[]>();
  const addEphemeral = (roomId: string, ev: Record<string, unknown>) => {
    if (!roomAllowed(ephemeralFilter, roomId)) return;
    const list = ephemeral.get(roomId) ?? [];
    list.push(ev);
    ephemeral.set(roomId, list);
  };
  for (const t of typingRooms) addEphemeral(t.roomId, { type: 'm.typing', content: { user_ids: t.userIds } });
  for (const r of receiptRooms) addEphemeral(r.roomId, r.event);
  const roomAccountData = (roomId: string): AccountDataEvent[] => {
    const f = ctx.filter.room?.account_data;
    return (accountData.rooms[roomId] ?? []).filter((e) => roomAllowed(f, roomId) && eventMatches(f, e));
  };

  const toSend = joined.filter(
    (m) => withEvents.has(m.roomId) || newlyJoined.has(m.roomId) || ephemeral.has(m.roomId) || roomAccountData(m.roomId).length > 0,
  );
  const threaded = unreadThreadNotifications(ctx.filter.room);
  const lazy = memberLoading(ctx.filter.room).lazyLoadMembers;
  const rules = toSend.length > 0 ? await ctx.deps.pushRules?.rulesetFor(ctx.userId) : undefined;
  const reads = await ctx.caches.ownReceipts.get(receipts, ctx.deps.reads, ctx.userId, toSend.map((m) => m.roomId), upto.receipts);
  const fromOf = (roomId: string) => (since && !newlyJoined.has(roomId) ? since.events : 0);
  const prefetched = await prefetchRooms(ctx, toSend.map((m) => ({ roomId: m.roomId, from: fromOf(m.roomId) })));
  const roomCtx: SyncContext = prefetched ? { ...ctx, prefetched } : ctx;
  await Promise.all(
    toSend.map(async (m) => {
      const full = !since || ctx.fullState || newlyJoined.has(m.roomId);
      const from = fromOf(m.roomId);
      const built = await buildRoom(roomCtx, { roomId: m.roomId, from, to: upto.events, full, sincePosition: since?.events ?? 0 });
      const counts = await roomCounts({
        rooms,
        userId: ctx.userId,
        roomId: m.roomId,
        read: reads.get(m.roomId),
        joinedAt: m.streamOrdering,
        upto: upto.events,
        threaded,
        ...(rules ? { rules } : {}),
        readEvents: (roomId, range) => ctx.caches.events.roomEvents(rooms, roomId, range),
        ...(built.rawLimited ? {} : { loaded: { from, events: built.raw } }),
      }, ctx.countsCache);
      const room: Record<string, unknown> = {
        timeline: built.timeline,
        state: built.state,
        ephemeral: { events: ephemeral.get(m.roomId) ?? [] },
        account_data: { events: roomAccountData(m.roomId) },
        ...counts,
      };
      if (lazy && built.stateAfter) room.summary = roomSummary(built.stateAfter, ctx.userId);
      out.join[m.roomId] = room;
    }),
  );

  // Invites and knocks: all current ones initially, those made in the range incrementally.
  const fresh = (m: RoomMembershipRow) => !since || ctx.fullState || changedRooms.has(m.roomId);
  for (const m of visible) {
    if (m.membership === 'invite' && fresh(m)) out.invite[m.roomId] = { invite_state: { events: await rooms.strippedState(m.roomId, ctx.userId) } };
    if (m.membership === 'knock' && fresh(m)) out.knock[m.roomId] = { knock_state: { events: await rooms.strippedState(m.roomId, ctx.userId) } };
  }

  // Left rooms (leave, ban): left in the range, or all of them with include_leave.
  const left: Membership[] = ['leave', 'ban'];
  for (const m of visible) {
    if (!left.includes(m.membership)) continue;
    const inRange = since !== null && changedRooms.has(m.roomId);
    if (!inRange && !includeLeave(ctx.filter)) continue;
    const before = since ? await rooms.membershipAt(m.roomId, ctx.userId, since.events) : null;
    if (inRange && before !== null && left.includes(before) && !ctx.fullState) continue;
    // A user who was never joined (a rejected invite) sees only their own leave.
    const wasJoined = before === 'join' || !since;
    const from = wasJoined ? (since && !ctx.fullState && before === 'join' ? since.events : 0) : m.streamOrdering - 1;
    const built = await buildRoom(ctx, { roomId: m.roomId, from, to: m.streamOrdering, full: wasJoined && from === 0, sincePosition: since?.events ?? 0 });
    out.leave[m.roomId] = { timeline: built.timeline, state: built.state, account_data: { events: roomAccountData(m.roomId) } };
  }
  return out;
}
