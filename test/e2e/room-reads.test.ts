// Reading rooms through matrix-js-sdk over real HTTP, every response validated against the
// spec's OpenAPI schemas (specFetch): /messages both ways with filters and lazy-loaded members,
// /event, /context, /relations (edits, reactions, threads, recursion, pagination), /threads,
// bundled aggregations, timestamp_to_event, and bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Direction, FeatureSupport, Filter, Thread, ThreadFilterType, type MatrixClient } from 'matrix-js-sdk';
import { startTestHub, testEnv, type TestEnv, type TestHub } from '../support/hub.ts';
import { registerAccount, rejectsWith, sdkClient, type Account } from '../support/rooms-clients.ts';
import { specFetch } from '../support/openapi.ts';

/** A raw Client-Server call whose response is checked against the spec. */
async function specCall(hub: TestHub, a: Account | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const f = specFetch(hub.url, 'client-server');
  const res = await f(`${hub.url}/_matrix/client${path}`, {
    method,
    headers: { ...(a ? { authorization: `Bearer ${a.accessToken}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const text = (body: string) => ({ msgtype: 'm.text' as never, body });
const bodies = (chunk: readonly { content?: Record<string, unknown> }[]) => chunk.map((e) => e.content?.body);

describe('room reads through matrix-js-sdk', () => {
  let te: TestEnv;
  let hub: TestHub;
  let alice: Account;
  let bob: Account;
  let eve: Account;
  let a: MatrixClient;
  let b: MatrixClient;
  let e: MatrixClient;
  let roomId: string;
  const sent: string[] = [];

  before(async () => {
    Thread.hasServerSideListSupport = FeatureSupport.Stable;
    te = await testEnv();
    hub = await startTestHub(te);
    [alice, bob, eve] = await Promise.all(['alice', 'bob', 'eve'].map((n) => registerAccount(hub.url, n)));
    a = sdkClient(hub.url, alice!);
    b = sdkClient(hub.url, bob!);
    e = sdkClient(hub.url, eve!);
    roomId = (await a.createRoom({ preset: 'private_chat' as never, name: 'Verona' })).room_id;
    await a.invite(roomId, bob.userId);
    await b.joinRoom(roomId);
    for (let i = 0; i < 25; i++) sent.push((await (i % 2 ? b : a).sendMessage(roomId, text(`line ${i}`))).event_id);
  });
  after(async () => {
    await hub?.stop();
    await te?.cleanup();
  });

  test('/messages backwards then forwards, page by page, in order and without duplicates', async () => {
    const seen: string[] = [];
    let from: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await b.createMessagesRequest(roomId, from, 7, Direction.Backward);
      seen.push(...res.chunk.map((x) => x.event_id));
      if (!res.end) break;
      from = res.end;
    }
    const messages = seen.filter((id) => sent.includes(id));
    assert.deepEqual(messages, [...sent].reverse());
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.length > sent.length, 'state events of the room come too');

    const forward: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await a.createMessagesRequest(roomId, token, 9, Direction.Forward);
      forward.push(...res.chunk.map((x) => x.event_id));
      if (!res.end) break;
      token = res.end;
    }
    assert.deepEqual(forward, [...seen].reverse());
  });

  test('/messages with a filter: types, senders, and lazy-loaded members of the senders', async () => {
    const filter = new Filter(bob.userId);
    filter.setDefinition({ room: { timeline: { types: ['m.room.message'], senders: [bob.userId] } } });
    const res = await b.createMessagesRequest(roomId, null, 5, Direction.Backward, filter);
    assert.deepEqual(bodies(res.chunk), ['line 23', 'line 21', 'line 19', 'line 17', 'line 15']);
    const lazy = await specCall(hub, bob, 'GET', `/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=3&filter=${encodeURIComponent(JSON.stringify({ senders: [alice.userId], lazy_load_members: true }))}`);
    assert.deepEqual(bodies(lazy.json.chunk as never), ['line 24', 'line 22', 'line 20']);
    assert.deepEqual((lazy.json.state as { state_key: string }[]).map((s) => s.state_key), [alice.userId], 'members of the senders only');
    const raw = await specCall(hub, bob, 'GET', `/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=3&filter=${encodeURIComponent(JSON.stringify({ not_types: ['m.room.message'] }))}`);
    assert.equal(raw.status, 200);
    assert.ok((raw.json.chunk as { type: string }[]).every((x) => x.type !== 'm.room.message'));
    assert.equal(raw.json.state, undefined, 'no state without lazy loading');
  });

  test('/event and /context', async () => {
    const ev = await b.fetchRoomEvent(roomId, sent[10]!);
    assert.equal(ev.content?.body, 'line 10');
    const ctx = await specCall(hub, bob, 'GET', `/v3/rooms/${encodeURIComponent(roomId)}/context/${encodeURIComponent(sent[10]!)}?limit=4`);
    assert.equal(ctx.status, 200);
    assert.deepEqual(bodies(ctx.json.events_before as never), ['line 9', 'line 8']);
    assert.deepEqual(bodies(ctx.json.events_after as never), ['line 11', 'line 12']);
    assert.equal((ctx.json.event as { event_id: string }).event_id, sent[10]);
    assert.ok((ctx.json.state as { type: string }[]).some((s) => s.type === 'm.room.create'));
    // Paginating on from the context's tokens continues where it stopped.
    const back = await b.createMessagesRequest(roomId, ctx.json.start as string, 1, Direction.Backward);
    assert.deepEqual(bodies(back.chunk), ['line 7']);
    const fwd = await b.createMessagesRequest(roomId, ctx.json.end as string, 1, Direction.Forward);
    assert.deepEqual(bodies(fwd.chunk), ['line 13']);
    const lazy = await specCall(hub, bob, 'GET', `/v3/rooms/${encodeURIComponent(roomId)}/context/${encodeURIComponent(sent[10]!)}?limit=2&filter=${encodeURIComponent('{"lazy_load_members":true}')}`);
    assert.deepEqual((lazy.json.state as { state_key: string }[]).map((s) => s.state_key).sort(), [alice.userId, bob.userId].sort());
  });

  test('edits, reactions and a thread: relations, bundled aggregations, /threads', async () => {
    const root = sent[2]!; // alice's: only the original sender's edits count
    const edit = await a.sendEvent(roomId, 'm.room.message' as never, {
      msgtype: 'm.text', body: '* line 2 (edited)', 'm.new_content': { msgtype: 'm.text', body: 'line 2 (edited)' }, 'm.relates_to': { rel_type: 'm.replace', event_id: root },
    } as never);
    await b.sendEvent(roomId, 'm.reaction' as never, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } } as never);
    const replies: string[] = [];
    for (let i = 0; i < 3; i++) {
      replies.push((await b.sendEvent(roomId, 'm.room.message' as never, { msgtype: 'm.text', body: `reply ${i}`, 'm.relates_to': { rel_type: 'm.thread', event_id: root } } as never)).event_id);
    }
    // A reaction to a thread reply: reached only with recurse.
    await a.sendEvent(roomId, 'm.reaction' as never, { 'm.relates_to': { rel_type: 'm.annotation', event_id: replies[0], key: '❤️' } } as never);

    const fetched = await a.fetchRoomEvent(roomId, root);
    const rel = (fetched.unsigned as Record<string, Record<string, Record<string, unknown>>>)["m.relations"]!;
    assert.equal((rel['m.replace'] as { event_id: string }).event_id, edit.event_id);
    assert.equal(rel['m.thread']!.count, 3);
    assert.equal((rel['m.thread']!.latest_event as { event_id: string }).event_id, replies[2]);
    assert.equal(rel['m.thread']!.current_user_participated, true, 'alice sent the root');
    assert.equal(rel['m.annotation'], undefined, 'annotations are not aggregated (v1.7)');

    const all = await a.relations(roomId, root, null);
    assert.equal(all.events.length, 5);
    assert.equal(all.originalEvent?.getId(), root);
    const threadPage = await b.relations(roomId, root, 'm.thread', null, { dir: Direction.Forward, limit: 2 });
    assert.deepEqual(threadPage.events.map((x) => x.getId()), replies.slice(0, 2));
    assert.ok(threadPage.nextBatch);
    const next = await b.relations(roomId, root, 'm.thread', null, { dir: Direction.Forward, limit: 2, from: threadPage.nextBatch! });
    assert.deepEqual(next.events.map((x) => x.getId()), replies.slice(2));
    assert.equal(next.nextBatch, null);
    const reactions = await b.relations(roomId, root, 'm.annotation', 'm.reaction');
    assert.equal(reactions.events.length, 1);
    const recursed = await specCall(hub, bob, 'GET', `/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(root)}/m.annotation?recurse=true`);
    assert.equal((recursed.json.chunk as unknown[]).length, 2);
    assert.equal(typeof recursed.json.recursion_depth, 'number');

    const second = (await a.sendMessage(roomId, text('another root'))).event_id;
    await a.sendEvent(roomId, 'm.room.message' as never, { msgtype: 'm.text', body: 'alone', 'm.relates_to': { rel_type: 'm.thread', event_id: second } } as never);
    const threads = await b.createThreadListMessagesRequest(roomId, null, 1, Direction.Backward, ThreadFilterType.All);
    assert.deepEqual(threads.chunk.map((x) => x.event_id), [second], 'newest activity first');
    assert.ok(threads.end);
    const more = await b.createThreadListMessagesRequest(roomId, threads.end!, 5, Direction.Backward, ThreadFilterType.All);
    assert.deepEqual(more.chunk.map((x) => x.event_id), [root]);
    const mine = await b.createThreadListMessagesRequest(roomId, null, 5, Direction.Backward, ThreadFilterType.My);
    assert.deepEqual(mine.chunk.map((x) => x.event_id), [root], 'bob took part only in the first thread');
  });

  test('/messages `to` bounds a page; redacted events carry redacted_because and no bundled edit', async () => {
    const ctx = await specCall(hub, bob, 'GET', `/v3/rooms/${encodeURIComponent(roomId)}/context/${encodeURIComponent(sent[20]!)}?limit=0`);
    const upTo = await specCall(hub, bob, 'GET', `/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=f&from=${encodeURIComponent(ctx.json.start as string)}&to=${encodeURIComponent(ctx.json.end as string)}&limit=50`);
    assert.equal(upTo.status, 200);
    assert.ok(!(upTo.json.chunk as { event_id: string }[]).some((x) => x.event_id === sent[21]), 'nothing past `to`');
    const target = sent[0]!;
    await a.sendEvent(roomId, 'm.room.message' as never, {
      msgtype: 'm.text', body: '* fixed', 'm.new_content': { msgtype: 'm.text', body: 'fixed' }, 'm.relates_to': { rel_type: 'm.replace', event_id: target },
    } as never);
    // An edit of another type is not a valid replacement.
    await a.sendEvent(roomId, 'm.sticker' as never, { body: 'x', url: 'mxc://test.local/x', info: {}, 'm.relates_to': { rel_type: 'm.replace', event_id: target } } as never);
    const edited = await b.fetchRoomEvent(roomId, target);
    const bundled = (edited.unsigned as Record<string, Record<string, { type: string }>>)['m.relations']!['m.replace']!;
    assert.equal(bundled.type, 'm.room.message');
    const { event_id: redaction } = await a.redactEvent(roomId, target, undefined, { reason: 'oops' });
    const redacted = await b.fetchRoomEvent(roomId, target);
    const unsigned = redacted.unsigned as Record<string, unknown>;
    assert.equal((unsigned.redacted_because as { event_id: string }).event_id, redaction);
    assert.equal(unsigned['m.relations'], undefined);
    assert.deepEqual(redacted.content, {});
  });

  test('timestamp_to_event', async () => {
    const ev = await a.fetchRoomEvent(roomId, sent[5]!);
    const found = await a.timestampToEvent(roomId, ev.origin_server_ts!, Direction.Forward);
    assert.ok(found.origin_server_ts >= ev.origin_server_ts!);
    await rejectsWith(a.timestampToEvent(roomId, Date.now() + 3_600_000, Direction.Forward), 404, 'M_NOT_FOUND');
  });

  test('bad input: unknown events, non-members, bad tokens, dir and limits', async () => {
    const room = encodeURIComponent(roomId);
    await rejectsWith(b.fetchRoomEvent(roomId, '$nope'), 404, 'M_NOT_FOUND');
    await rejectsWith(e.fetchRoomEvent(roomId, sent[0]!), 403, 'M_FORBIDDEN');
    await rejectsWith(e.createMessagesRequest(roomId, null, 5, Direction.Backward), 403, 'M_FORBIDDEN');
    await rejectsWith(e.relations(roomId, sent[0]!, null), 403, 'M_FORBIDDEN');
    await rejectsWith(b.createMessagesRequest(roomId, 'garbage', 5, Direction.Backward), 400, 'M_INVALID_PARAM');
    await rejectsWith(b.createMessagesRequest('!unknown:test.local', null, 5, Direction.Backward), 403, 'M_FORBIDDEN');
    for (const q of ['dir=x', 'dir=b&limit=-1', 'dir=b&limit=ten', 'dir=b&filter=notjson', 'dir=b&filter=%7B%22limit%22%3A0%7D']) {
      const r = await specCall(hub, bob, 'GET', `/v3/rooms/${room}/messages?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.errcode, 'M_INVALID_PARAM', q);
    }
    const missingDir = await specCall(hub, bob, 'GET', `/v3/rooms/${room}/messages`);
    assert.equal(missingDir.json.errcode, 'M_MISSING_PARAM');
    const huge = await specCall(hub, bob, 'GET', `/v3/rooms/${room}/messages?dir=b&limit=100000`);
    assert.equal(huge.status, 200, 'limits above the cap are clamped');
    const badRel = await specCall(hub, bob, 'GET', `/v1/rooms/${room}/relations/${encodeURIComponent(sent[0]!)}?from=zzz`);
    assert.equal(badRel.json.errcode, 'M_INVALID_PARAM');
    const unknownRel = await specCall(hub, bob, 'GET', `/v1/rooms/${room}/relations/%24nope`);
    assert.equal(unknownRel.status, 404);
    const ctx = await specCall(hub, bob, 'GET', `/v3/rooms/${room}/context/%24nope`);
    assert.equal(ctx.json.errcode, 'M_NOT_FOUND');
  });
});
