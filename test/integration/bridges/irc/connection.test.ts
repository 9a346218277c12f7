// The IRC connection layer against real daemons (ngircd and inspircd, started per run).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, IRCD_KINDS, startIrcd, type Ircd } from '../../../support/ircd.ts';
import { connected, ircClient, type TestIrcClient } from '../../../support/irc-clients.ts';
import type { IrcEvent } from '../../../../bridges/irc/network/types.ts';
import { IrcNetwork, RELAY } from '../../../../bridges/irc/network/manager.ts';

type Of<T extends IrcEvent['type']> = Extract<IrcEvent, { type: T }>;
const is = <T extends IrcEvent['type']>(type: T, pred: (e: Of<T>) => boolean = () => true) =>
  (e: IrcEvent): e is Of<T> => e.type === type && pred(e as Of<T>);

for (const kind of IRCD_KINDS) {
  describe(`IRC connection on ${kind}`, () => {
    let ircd: Ircd;
    const clients: TestIrcClient[] = [];
    const client = (nick: string, opts?: Parameters<typeof ircClient>[2]) => {
      const c = ircClient(ircd, nick, opts);
      clients.push(c);
      return c;
    };

    before(async () => { ircd = await startIrcd(kind); });
    after(async () => {
      await Promise.all(clients.map((c) => c.stop()));
      await ircd.stop();
    });

    test('two clients talk in a channel and in private; actions, notices, server-time, echo', async () => {
      const alice = client('alice');
      const bob = client('bob');
      await connected(alice, bob);
      await alice.conn.join('#talk');
      await alice.waitEvent(is('join', (e) => e.self && e.channel === '#talk'));
      await bob.conn.join('#talk');
      await alice.waitEvent(is('join', (e) => e.nick === 'bob'));

      const ids = await alice.conn.send('#talk', 'hello \x02bob\x02');
      const got = await bob.waitEvent(is('message', (e) => e.text === 'hello \x02bob\x02'));
      assert.equal(got.kind, 'privmsg');
      assert.equal(got.from, 'alice');
      assert.equal(got.conversation, '#talk');
      assert.equal(got.isChannel, true);
      assert.equal(got.echo, false);
      assert.equal(got.serverTime, ircd.supports.serverTime);
      if (ircd.supports.echoMessage) {
        const echo = await alice.waitEvent(is('message', (e) => e.echo && e.text === 'hello \x02bob\x02'));
        assert.equal(echo.from, 'alice');
        assert.ok(ids[0], 'echo-message gives the msgid');
        assert.equal(echo.msgid, ids[0]);
        assert.equal(got.msgid, ids[0]);
      } else {
        assert.deepEqual(ids, [undefined]);
        assert.ok(!alice.events.some((e) => e.type === 'message' && e.echo));
      }

      await bob.conn.send('alice', 'psst', { kind: 'privmsg' });
      const pm = await alice.waitEvent(is('message', (e) => e.text === 'psst'));
      assert.equal(pm.isChannel, false);
      assert.equal(pm.conversation, 'bob');

      await bob.conn.send('#talk', 'waves', { kind: 'action' });
      assert.equal((await alice.waitEvent(is('message', (e) => e.text === 'waves'))).kind, 'action');
      await bob.conn.send('#talk', 'fyi', { kind: 'notice' });
      assert.equal((await alice.waitEvent(is('message', (e) => e.text === 'fyi'))).kind, 'notice');
    });

    test('topic, nick change, op/deop/voice, names, kick', async () => {
      const op = client('opper');
      const user = client('member');
      await connected(op, user);
      await op.conn.join('#ops');
      await op.waitEvent(is('join', (e) => e.self && e.channel === '#ops'));
      const names = await op.waitEvent(is('names', (e) => e.channel === '#ops'));
      assert.deepEqual(names.members.find((m) => m.nick === 'opper')?.modes, ['o'], 'first joiner is op');
      await user.conn.join('#ops');
      await op.waitEvent(is('join', (e) => e.nick === 'member'));

      await op.conn.topic('#ops', 'the topic');
      const topic = await user.waitEvent(is('topic', (e) => e.topic === 'the topic'));
      assert.equal(topic.by, 'opper');

      await op.conn.mode('#ops', '+ov', 'member', 'member');
      const m = await user.waitEvent(is('mode', (e) => e.changes.some((c) => c.mode === 'o' && c.add)));
      assert.equal(m.by, 'opper');
      assert.deepEqual(m.changes.map((c) => `${c.add ? '+' : '-'}${c.mode} ${c.param}`).sort(), ['+o member', '+v member']);
      await op.conn.mode('#ops', '-o', 'member');
      await user.waitEvent(is('mode', (e) => e.changes.some((c) => c.mode === 'o' && !c.add && c.param === 'member')));

      await user.conn.changeNick('renamed');
      const nick = await op.waitEvent(is('nick', (e) => e.newNick === 'renamed'));
      assert.equal(nick.oldNick, 'member');
      await user.waitEvent(is('nick', (e) => e.self && e.newNick === 'renamed'));
      assert.equal(user.conn.nick, 'renamed');

      await op.conn.kick('#ops', 'renamed', 'bye now');
      const kick = await user.waitEvent(is('kick', (e) => e.channel === '#ops'));
      assert.deepEqual([kick.self, kick.by, kick.reason, kick.flood], [true, 'opper', 'bye now', false]);
    });

    // ngircd throttles every client to a few commands a second by itself (no kick), so there the
    // paste takes about a minute; the queue must still deliver all of it in order.
    const slow = kind === 'ngircd' ? 150_000 : 30_000;

    test('a 200-line paste arrives complete and in order through flood control', async () => {
      const sender = client('paster', { flood: { burst: 5, linesPerSecond: 40 } });
      const reader = client('reader');
      await connected(sender, reader);
      await joinInOrder(sender, reader, '#paste');
      const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(1 + (i % 50))}`);
      const sent = sender.conn.send('#paste', lines.join('\n'));
      assert.ok(sender.conn.queued > 100, 'the bucket queues instead of sending at once');
      await sent;
      await reader.waitEvent(is('message', (e) => e.text === lines[199]), slow);
      const got = reader.events.filter(is('message', (e) => e.conversation === '#paste')).map((e) => e.text);
      assert.deepEqual(got, lines);
    });

    test('a long line is split within 512 bytes and arrives whole', async () => {
      const a = client('longa');
      const b = client('longb');
      await connected(a, b);
      const text = `${'ünïcödé wörds 😀 '.repeat(80)}END`;
      await a.conn.send('longb', text);
      await b.waitEvent(is('message', (e) => e.text.endsWith('END')), slow);
      const got = b.events.filter(is('message', (e) => e.from === 'longa')).map((e) => e.text);
      assert.ok(got.length > 1);
      // Lines are cut after a space, which some servers and clients trim from a message's end.
      assert.equal(got.map((l) => l.trimEnd()).join(' '), text);
    });

    test('nick in use: alternates are tried and reported', async () => {
      const first = client('taken');
      await connected(first);
      const second = client('taken');
      const state = await second.waitState((s) => s.state === 'connected');
      assert.deepEqual(state, { state: 'connected', nick: 'taken_' });
      const ev = await second.waitEvent(is('nick-in-use'));
      assert.deepEqual(ev, { type: 'nick-in-use', nick: 'taken', trying: 'taken_', registered: false });
      await second.conn.changeNick('taken');
      assert.deepEqual(await second.waitEvent(is('nick-in-use', (e) => e.registered)), { type: 'nick-in-use', nick: 'taken', registered: true });
      assert.equal(second.conn.nick, 'taken_');
    });

    test('clean shutdown sends QUIT after the queue is drained', async () => {
      const leaving = client('leaver');
      const watcher = client('watcher');
      await connected(leaving, watcher);
      await joinInOrder(leaving, watcher, '#bye');
      void leaving.conn.send('#bye', 'last words');
      await leaving.conn.stop('see you');
      assert.equal(leaving.conn.state.state, 'stopped');
      await watcher.waitEvent(is('message', (e) => e.text === 'last words'));
      const quit = await watcher.waitEvent(is('quit', (e) => e.nick === 'leaver'));
      assert.match(quit.reason, /see you/);
    });

    if (kind === 'inspircd') {
      test('message-tags: replies and reactions (inspircd)', async () => {
        const a = client('tagger');
        const b = client('tagged');
        await connected(a, b);
        await joinInOrder(a, b, '#tags');
        const [msgid] = await a.conn.send('#tags', 'original');
        assert.ok(msgid);
        await b.conn.send('#tags', 'a reply', { replyTo: msgid });
        assert.equal((await a.waitEvent(is('message', (e) => e.text === 'a reply'))).replyTo, msgid);
        assert.equal(await b.conn.react('#tags', msgid, '👍'), true);
        const react = await a.waitEvent(is('react'));
        assert.deepEqual([react.from, react.reactTo, react.key, react.conversation], ['tagged', msgid, '👍', '#tags']);
      });

      test('a flood kick is reported and the channel rejoined (inspircd +f)', async () => {
        const op = client('floodop');
        const flooder = client('flooder', { flood: { burst: 100, linesPerSecond: 1000 }, floodRejoinMs: 200, echoTimeoutMs: 1000 });
        await connected(op, flooder);
        await op.conn.join('#flood');
        await op.waitEvent(is('join', (e) => e.self && e.channel === '#flood'));
        await op.conn.mode('#flood', '+f', '5:10');
        await op.waitEvent(is('mode', (e) => e.changes.some((c) => c.mode === 'f')));
        await flooder.conn.join('#flood');
        await flooder.waitEvent(is('join', (e) => e.self));
        const sent = flooder.conn.send('#flood', Array.from({ length: 10 }, (_, i) => `spam ${i}`).join('\n'));
        const kick = await flooder.waitEvent(is('kick', (e) => e.self));
        assert.equal(kick.flood, true, kick.reason);
        // The rejoin is the flooder's second join as the op saw it.
        const joinsSeen = () => op.events.filter(is('join', (e) => e.nick === 'flooder')).length;
        await until(() => joinsSeen() >= 2);
        assert.equal(flooder.conn.state.state, 'connected');
        // Lines refused after the kick were never echoed: send() reports them without a msgid.
        const ids = await sent;
        assert.ok(ids[0] !== undefined && ids.at(-1) === undefined, JSON.stringify(ids));
      });
    }
  });
}

describe('IRC connection failures', () => {
  test('a refused connection gives transient-disconnect states with growing backoff, then error', async () => {
    const port = await freePort();
    const c = ircClient({ host: '127.0.0.1', port }, 'nobody', { backoff: { baseMs: 50, maxMs: 400, jitter: 0 }, maxAttempts: 5 });
    const final = await c.waitState((s) => s.state === 'error', 20_000);
    assert.match((final as { reason: string }).reason, /gave up after 5 attempts: .*ECONNREFUSED/);
    const retries = c.states.filter((s) => s.state === 'transient-disconnect');
    assert.deepEqual(retries.map((s) => s.retryInMs), [50, 100, 200, 400]);
    assert.deepEqual(c.states.filter((s) => s.state === 'connecting').map((s) => s.attempt), [1, 2, 3, 4, 5]);
    await c.stop();
  });

  test('a server that goes away is reconnected to and channels are rejoined', async () => {
    const ircd = await startIrcd('ngircd');
    const net = new IrcNetwork({ host: ircd.host, port: ircd.port, connection: { backoff: { baseMs: 100, maxMs: 500, jitter: 0 } } });
    const states: string[] = [];
    net.on('state', (owner, s) => { if (owner === RELAY) states.push(s.state); });
    const relay = net.relay({ nick: 'relaybot' });
    const c = ircClient(ircd, 'observer');
    await until(() => relay.state.state === 'connected');
    await relay.join('#back');
    // Stop the daemon under the connection, then start a fresh one on the same port.
    await c.stop();
    await ircd.stop();
    await until(() => relay.state.state === 'transient-disconnect' || relay.state.state === 'connecting');
    const again = await startIrcdOnPort(ircd.port);
    try {
      const watcher = ircClient(again, 'watcher2');
      await watcher.conn.join('#back');
      await watcher.waitEvent(is('join', (e) => e.self));
      await until(() => relay.state.state === 'connected');
      await relay.send('#back', 'I am back');
      await watcher.waitEvent(is('message', (e) => e.text === 'I am back'), 10_000);
      assert.ok(states.includes('transient-disconnect'));
      await watcher.stop();
    } finally {
      await net.shutdown();
      await again.stop();
    }
  });
});

describe('IRC connection credentials and TLS (ngircd)', () => {
  let ircd: Ircd;
  before(async () => { ircd = await startIrcd('ngircd', { password: 'sesame', tls: true }); });
  after(async () => { await ircd.stop(); });

  test('a wrong server password is bad-credentials, not a retry loop', async () => {
    const c = ircClient(ircd, 'wrongpw', { password: 'nope' });
    const s = await c.waitState((x) => x.state === 'bad-credentials' || x.state === 'connected');
    assert.equal(s.state, 'bad-credentials');
    assert.ok(!c.states.some((x) => x.state === 'transient-disconnect'));
    await c.stop();
  });

  test('SASL asked of a server without it is bad-credentials', async () => {
    const c = ircClient(ircd, 'saslme', { password: 'sesame', sasl: { account: 'saslme', password: 'x' } });
    const s = await c.waitState((x) => x.state === 'bad-credentials' || x.state === 'connected');
    assert.equal(s.state, 'bad-credentials');
    assert.match((s as { reason: string }).reason, /SASL/);
    await c.stop();
  });

  test('TLS with the right password connects and talks', async () => {
    const a = ircClient({ host: ircd.host, port: ircd.tlsPort! }, 'tlsuser', { tls: true, rejectUnauthorized: false, password: 'sesame' });
    const b = ircClient(ircd, 'plainuser', { password: 'sesame' });
    await connected(a, b);
    await a.conn.send('plainuser', 'over tls');
    const m = await b.waitEvent(is('message', (e) => e.text === 'over tls'));
    assert.equal(m.from, 'tlsuser');
    await a.stop();
    await b.stop();
  });
});

/** `first` joins (and is op), then `second`; resolves once `first` has seen `second` join. */
async function joinInOrder(first: TestIrcClient, second: TestIrcClient, channel: string): Promise<void> {
  await first.conn.join(channel);
  await first.waitEvent(is('join', (e) => e.self && e.channel === channel));
  await second.conn.join(channel);
  await first.waitEvent(is('join', (e) => e.nick === second.conn.nick && e.channel === channel));
}

async function until(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startIrcdOnPort(port: number): Promise<Ircd> {
  for (let i = 0; i < 20; i++) {
    const d = await startIrcd('ngircd', { port }).catch(() => undefined);
    if (d) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`could not restart ngircd on ${port}`);
}
