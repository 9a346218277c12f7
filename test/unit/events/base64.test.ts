import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from '../../../core/events/base64.ts';
import { MatrixError } from '../../../core/spec/errors.ts';

test('spec examples: UNPADDED_BASE64', () => {
  const cases: [string, string][] = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
  for (const [plain, enc] of cases) {
    assert.equal(encodeBase64(Buffer.from(plain)), enc);
    assert.equal(decodeBase64(enc)?.toString(), plain);
  }
});

test('URL-safe uses - and _; standard uses + and /', () => {
  const bytes = Uint8Array.from([0xfb, 0xff, 0xbf]);
  assert.equal(encodeBase64(bytes), '+/+/');
  assert.equal(encodeBase64Url(bytes), '-_-_');
  assert.deepEqual(decodeBase64Url('-_-_'), Buffer.from(bytes));
  assert.equal(decodeBase64('-_-_'), null);
  assert.equal(decodeBase64Url('+/+/'), null);
});

test('padding is accepted only when correct', () => {
  assert.equal(decodeBase64('Zg==')?.toString(), 'f');
  assert.equal(decodeBase64('Zm8=')?.toString(), 'fo');
  for (const bad of ['Zg=', 'Zg===', 'Z===', 'Zm9v=', '=Zg', 'Zg=a']) assert.equal(decodeBase64(bad), null, bad);
});

test('malformed input gives null, never a throw', () => {
  for (const bad of ['Z', 'Zm9vY', 'Zm 9v', 'Zm9v\n', 'Zm9v!', 'é', null, undefined, 42, {}, []]) {
    assert.equal(decodeBase64(bad), null, String(bad));
    assert.equal(decodeBase64Url(bad), null, String(bad));
  }
  assert.throws(() => encodeBase64('abc' as unknown as Uint8Array), (e) => e instanceof MatrixError && e.errcode === 'M_INVALID_PARAM');
});

test('non-zero trailing bits are tolerated (the spec test seed has them)', () => {
  assert.equal(decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1')?.length, 32);
});

test('property: decode(encode(bytes)) = bytes for both alphabets', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const s = encodeBase64(bytes);
      assert.ok(!s.includes('='));
      assert.deepEqual(decodeBase64(s), Buffer.from(bytes));
      assert.deepEqual(decodeBase64Url(encodeBase64Url(bytes)), Buffer.from(bytes));
    }),
  );
});
