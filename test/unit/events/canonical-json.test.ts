import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJsonBytes, encodeCanonicalJson, parseJson } from '../../../core/events/canonical-json.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

const isErr = (code: string) => (e: unknown) => e instanceof MatrixError && e.errcode === code;

// Spec: appendices "Canonical JSON" → "Examples", given as JSON text and expected output.
const SPEC_EXAMPLES: [string, string][] = [
  ['{}', '{}'],
  ['{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'],
  ['{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'],
  ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
  [
    `{"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {"display_name": "John Doe",
      "three_pids": [{"medium": "email", "address": "john.doe@example.org"}, {"medium": "msisdn", "address": "123456789"}]}}}`,
    '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
  ],
  ['{"a": "日本語"}', '{"a":"日本語"}'],
  ['{"本": 2, "日": 1}', '{"日":1,"本":2}'],
  ['{"a": "\\u65E5"}', '{"a":"日"}'],
  ['{"a": null}', '{"a":null}'],
  ['{"a": -0, "b": 1e10}', '{"a":0,"b":10000000000}'],
];

test('spec examples encode exactly', () => {
  for (const [input, expected] of SPEC_EXAMPLES) {
    assert.equal(encodeCanonicalJson(JSON.parse(input)), expected, input);
    assert.deepEqual(canonicalJsonBytes(JSON.parse(input)), Buffer.from(expected, 'utf8'));
  }
});

test('strings use only the grammar escapes; other characters are raw UTF-8', () => {
  assert.equal(encodeCanonicalJson('\b\t\n\f\r"\\'), '"\\b\\t\\n\\f\\r\\"\\\\"');
  assert.equal(encodeCanonicalJson('\u0000\u0007\u000b\u000e\u001f'), '"\\u0000\\u0007\\u000b\\u000e\\u001f"');
  assert.equal(encodeCanonicalJson('/\u007f\u2028é😀'), '"/\u007f\u2028é😀"');
});

test('keys sort by code point, not UTF-16 unit (astral vs U+E000-U+FFFF)', () => {
  // UTF-16 order would put "😀" (D83D DE00) before "\uffff"; code point order puts it after.
  assert.equal(encodeCanonicalJson({ '😀': 1, '\uffff': 2, a: 3 }), '{"a":3,"\uffff":2,"😀":1}');
  assert.equal(encodeCanonicalJson({ x: { '😀': 1, '\ue000': 2 } }), '{"x":{"\ue000":2,"😀":1}}');
});

test('strict mode rejects floats and out-of-range integers; lenient mode writes them', () => {
  for (const v of [1.5, 2 ** 53, -(2 ** 53), 1e300]) {
    assert.throws(() => encodeCanonicalJson({ v }), isErr('M_BAD_JSON'), String(v));
    assert.doesNotThrow(() => encodeCanonicalJson({ v }, { strict: false }));
  }
  assert.equal(encodeCanonicalJson(2 ** 53 - 1), '9007199254740991');
  assert.equal(encodeCanonicalJson(-(2 ** 53) + 1), '-9007199254740991');
  assert.equal(encodeCanonicalJson(2 ** 53, { strict: false }), '9007199254740992');
  assert.equal(encodeCanonicalJson(1e21, { strict: false }), '1000000000000000000000');
  assert.equal(encodeCanonicalJson(1.5, { strict: false }), '1.5');
});

test('values that are not JSON are typed errors in every mode', () => {
  const bad: unknown[] = [NaN, Infinity, -Infinity, undefined, () => 1, Symbol('s'), 1n, new Date(0), new Map(), [undefined], '\ud800', { '\udc00': 1 }];
  for (const v of bad) {
    assert.throws(() => encodeCanonicalJson(v), isErr('M_BAD_JSON'), String(typeof v));
    assert.throws(() => encodeCanonicalJson(v, { strict: false }), isErr('M_BAD_JSON'));
  }
  let deep: unknown = 1;
  for (let i = 0; i < 2000; i++) deep = [deep];
  assert.throws(() => encodeCanonicalJson(deep), isErr('M_BAD_JSON'));
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => encodeCanonicalJson(cyclic), isErr('M_BAD_JSON'));
});

test('undefined members are left out; omit drops top-level keys only', () => {
  assert.equal(encodeCanonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(encodeCanonicalJson({ s: 1, u: 2, x: { s: 3 } }, { omit: ['s', 'u'] }), '{"x":{"s":3}}');
  assert.throws(() => encodeCanonicalJson([1], { omit: ['a'] }), isErr('M_BAD_JSON'));
});

test('parseJson: M_NOT_JSON for bad text or UTF-8; strict rejects floats written as 1.0', () => {
  assert.throws(() => parseJson('{'), isErr('M_NOT_JSON'));
  assert.throws(() => parseJson('NaN'), isErr('M_NOT_JSON'));
  assert.throws(() => parseJson(Buffer.from([0x7b, 0xff, 0x7d])), isErr('M_NOT_JSON'));
  assert.throws(() => parseJson(42 as unknown as string), isErr('M_NOT_JSON'));
  assert.deepEqual(parseJson(Buffer.from('{"a":[1,"é"]}')), { a: [1, 'é'] });
  assert.deepEqual(parseJson('{"a":1.0}'), { a: 1 });
  assert.throws(() => parseJson('{"a":1.0}', { strict: true }), isErr('M_BAD_JSON'));
  assert.throws(() => parseJson('{"a":1e3}', { strict: true }), isErr('M_BAD_JSON'));
  assert.throws(() => parseJson('[9007199254740992]', { strict: true }), isErr('M_BAD_JSON'));
  assert.deepEqual(parseJson('{"a":-9007199254740991,"b":[0]}', { strict: true }), { a: -9007199254740991, b: [0] });
  // Duplicate keys: the spec is silent; the last one wins.
  assert.deepEqual(parseJson('{"a":1,"a":2}'), { a: 2 });
});

const canonicalValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5, noNullPrototype: true }),
  ),
})).value;

test('property: parse(encode(x)) deep-equals x, and encoding is idempotent and whitespace-free', () => {
  fc.assert(
    fc.property(canonicalValue, (x) => {
      const s = encodeCanonicalJson(x);
      const back = parseJson(s, { strict: true });
      assert.deepEqual(back, x);
      assert.equal(encodeCanonicalJson(back), s);
      // Re-encoding from JSON.stringify (any order, any spacing) gives the same bytes.
      assert.equal(encodeCanonicalJson(JSON.parse(JSON.stringify(x, null, 2))), s);
    }),
    { numRuns: 500 },
  );
});

test('property: object keys come out sorted by code point', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.integer(), { noNullPrototype: true }), (o) => {
      const keys = Object.keys(JSON.parse(encodeCanonicalJson(o)) as object);
      const sorted = [...keys].sort((a, b) => {
        const ca = [...a].map((c) => c.codePointAt(0) ?? 0);
        const cb = [...b].map((c) => c.codePointAt(0) ?? 0);
        for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return (ca[i] ?? 0) - (cb[i] ?? 0);
        return ca.length - cb.length;
      });
      assert.deepEqual(keys, sorted);
    }),
  );
});

test('property: small and large objects (insertion sort vs built-in sort) give the reference encoding', () => {
  const byCodePoint = (a: string, b: string): number => {
    const ca = [...a].map((c) => c.codePointAt(0) ?? 0);
    const cb = [...b].map((c) => c.codePointAt(0) ?? 0);
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return (ca[i] ?? 0) - (cb[i] ?? 0);
    return ca.length - cb.length;
  };
  fc.assert(
    fc.property(
      fc.dictionary(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }), fc.nat(99).map(String)), fc.integer(), { maxKeys: 40, noNullPrototype: true }),
      (o) => {
        const reference = '{' + Object.keys(o).sort(byCodePoint).map((k) => `${JSON.stringify(k)}:${o[k]}`).join(',') + '}';
        assert.equal(encodeCanonicalJson(o), reference);
      },
    ),
    { numRuns: 500 },
  );
});
