// Single-threaded throughput of the event kernel's hot paths: canonical JSON encoding, building a
// local event (content hash + redact + sign + event id) and checking a received one (format,
// size, signature verification, content hash, event id). Prints figures; asserts nothing.
// Run: node test/bench/events-crypto.ts

import { buildEvent } from '../../core/events/build.ts';
import type { EventDraft } from '../../core/events/build.ts';
import { encodeCanonicalJson } from '../../core/events/canonical-json.ts';
import { availableParallelism } from 'node:os';
import { checkReceivedPdu, checkReceivedPduAsync } from '../../core/events/pdu-checks.ts';
import { roomVersion } from '../../core/events/room-versions.ts';
import type { RoomVersion } from '../../core/events/room-versions.ts';
import { eventSignedBytes, signBytes, signingKeyFromSeed, verifyBytes } from '../../core/events/signing.ts';

const version = roomVersion('12') as RoomVersion;
const key = signingKeyFromSeed(Buffer.alloc(32, 3), 'ed25519:a_bnch');
const signer = { serverName: 'bench.example.org', key };
const ROOM = '!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ';
const ID = (c: string): string => '$' + c.repeat(43);

const draft = (i: number): EventDraft => ({
  type: 'm.room.message',
  sender: '@someone:bench.example.org',
  room_id: ROOM,
  content: { body: `Hello there, this is message number ${i} with a typical length of text.`, msgtype: 'm.text', 'm.mentions': {} },
  prev_events: [ID('p')],
  auth_events: [ID('a'), ID('b'), ID('c')],
  depth: 1000 + i,
  origin_server_ts: 1_712_345_678_901 + i,
});

// Rates per wall-clock second, and per second of this process's CPU time: on a shared machine
// the second is far less sensitive to other load (it still includes V8's helper threads).
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const report = (name: string, unit: string, n: number, wallMs: number, cpu: number): void => {
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(10);
  console.log(`${name.padEnd(44)} ${fmt((n / wallMs) * 1000)} ${unit}/s  (${fmt((n / cpu) * 1000).trim()} per CPU-s)`);
};

function measure(name: string, unit: string, fn: (i: number) => unknown, ms = 2000): void {
  for (let i = 0; i < 2000; i++) fn(i); // warm up
  let n = 0;
  const start = performance.now();
  const cpu0 = cpuMs();
  while (performance.now() - start < ms) {
    for (let j = 0; j < 500; j++) fn(n++);
  }
  report(name, unit, n, performance.now() - start, cpuMs() - cpu0);
}

const sample = buildEvent(draft(0), version, signer).pdu;
const withUnsigned = { ...sample, unsigned: { age: 4612 } };
const size = Buffer.byteLength(encodeCanonicalJson(withUnsigned));
console.log(`node ${process.version}, ${availableParallelism()} cores, room version ${version.id}, sample event ${size} bytes as canonical JSON`);

measure('canonical JSON encode (full event)', 'encodes', () => encodeCanonicalJson(withUnsigned));
measure('local event build + hash + sign + id', 'events', (i) => buildEvent(draft(i), version, signer));

const inbound = Array.from({ length: 1000 }, (_, i) => ({ ...buildEvent(draft(i), version, signer).pdu, unsigned: { age: i } }));
const lookup = (server: string, keyId: string) => (server === 'bench.example.org' && keyId === key.keyId ? key.publicKey : null);
let failures = 0;
measure('inbound format + size + verify + hash + id', 'events', (i) => {
  if (!checkReceivedPdu(inbound[i % inbound.length], version, lookup).ok) failures++;
});
// Not single-threaded: verification as WebCrypto jobs on libuv's thread pool, 64 events in
// flight; encoding and hashing stay on the main thread. A separate figure from the one above.
const IN_FLIGHT = 64;
let asyncFailures = 0;
const checkBatch = async (from: number): Promise<void> => {
  const results = await Promise.all(
    Array.from({ length: IN_FLIGHT }, (_, j) => checkReceivedPduAsync(inbound[(from + j) % inbound.length], version, lookup)),
  );
  for (const r of results) if (!r.ok) asyncFailures++;
};
for (let i = 0; i < 2000; i += IN_FLIGHT) await checkBatch(i); // warm up
{
  let n = 0;
  const start = performance.now();
  const cpu0 = cpuMs();
  while (performance.now() - start < 2000) {
    await checkBatch(n);
    n += IN_FLIGHT;
  }
  // CPU time here includes the pool threads: it is the total cost, not one core's.
  report(`inbound, thread-pool verify (${IN_FLIGHT} in flight)`, 'events', n, performance.now() - start, cpuMs() - cpu0);
}
if (asyncFailures > 0) console.log(`WARNING: ${asyncFailures} inbound async checks failed`);
// The native ed25519 ceiling on this machine, for reading the figures above.
const signed = eventSignedBytes(sample, version);
const sig = signBytes(key, signed);
measure('(reference) raw ed25519 sign', 'sigs', () => signBytes(key, signed));
measure('(reference) raw ed25519 verify', 'verifies', () => verifyBytes(key.publicKey, signed, sig));
// The share of build/inbound time that is not the ed25519 operation itself, from 100-event
// segments alternating with the raw operation (CPU time), so both see the same machine load.
{
  const segment = (fn: (i: number) => unknown, from: number): number => {
    const c = cpuMs();
    for (let j = 0; j < 100; j++) fn(from + j);
    return cpuMs() - c;
  };
  let build = 0;
  let sign = 0;
  let check = 0;
  let verify = 0;
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 4000) {
    build += segment((i) => buildEvent(draft(i), version, signer), n);
    sign += segment(() => signBytes(key, signed), n);
    check += segment((i) => checkReceivedPdu(inbound[i % inbound.length], version, lookup), n);
    verify += segment(() => verifyBytes(key.publicKey, signed, sig), n);
    n += 100;
  }
  const share = (total: number, core: number): string =>
    `${(((total - core) / total) * 100).toFixed(1)}% of the time (${(((total - core) / n) * 1000).toFixed(1)} µs/event)`;
  console.log(`build, not signing (interleaved):          ${share(build, sign)}`);
  console.log(`inbound, not verifying (interleaved):      ${share(check, verify)}`);
}
if (failures > 0) console.log(`WARNING: ${failures} inbound checks failed`);
