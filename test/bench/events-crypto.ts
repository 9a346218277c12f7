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

function measure(name: string, unit: string, fn: (i: number) => unknown, ms = 2000): number {
  for (let i = 0; i < 2000; i++) fn(i); // warm up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let j = 0; j < 500; j++) fn(n++);
  }
  const elapsed = performance.now() - start;
  const rate = Math.round((n / elapsed) * 1000);
  console.log(`${name.padEnd(44)} ${rate.toLocaleString('en-US').padStart(10)} ${unit}/s`);
  return rate;
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
  while (performance.now() - start < 2000) {
    await checkBatch(n);
    n += IN_FLIGHT;
  }
  const rate = Math.round((n / (performance.now() - start)) * 1000);
  const label = `inbound, thread-pool verify (${IN_FLIGHT} in flight)`;
  console.log(`${label.padEnd(44)} ${rate.toLocaleString('en-US').padStart(10)} events/s`);
}
if (asyncFailures > 0) console.log(`WARNING: ${asyncFailures} inbound async checks failed`);
// The native ed25519 ceiling on this machine, for reading the figures above.
const signed = eventSignedBytes(sample, version);
const sig = signBytes(key, signed);
measure('(reference) raw ed25519 sign', 'sigs', () => signBytes(key, signed));
measure('(reference) raw ed25519 verify', 'verifies', () => verifyBytes(key.publicKey, signed, sig));
if (failures > 0) console.log(`WARNING: ${failures} inbound checks failed`);
