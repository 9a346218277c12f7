import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { macMatches, sharedSecretMac } from '../../../core/users/shared-secret.ts';

// The construction Synapse documents (admin_api/register_api): fields joined by NUL.
function reference(secret: string, nonce: string, user: string, password: string, admin: boolean, userType?: string): string {
  const parts = [nonce, user, password, admin ? 'admin' : 'notadmin', ...(userType === undefined ? [] : [userType])];
  return createHmac('sha1', secret).update(parts.join('\x00')).digest('hex');
}

void test('the MAC is HMAC-SHA1 over nonce, user, password and admin flag joined by NUL', () => {
  const f = { nonce: 'thisisanonce', username: 'pepper_roni', password: 'pizza', admin: true };
  assert.equal(sharedSecretMac('s3cret', f), reference('s3cret', 'thisisanonce', 'pepper_roni', 'pizza', true));
  assert.equal(sharedSecretMac('s3cret', { ...f, admin: false }), reference('s3cret', 'thisisanonce', 'pepper_roni', 'pizza', false));
  assert.equal(sharedSecretMac('s3cret', { ...f, userType: 'bot' }), reference('s3cret', 'thisisanonce', 'pepper_roni', 'pizza', true, 'bot'));
  assert.match(sharedSecretMac('s3cret', f), /^[0-9a-f]{40}$/);
});

void test('field boundaries matter: moving a character between fields changes the MAC', () => {
  const a = sharedSecretMac('k', { nonce: 'n', username: 'ab', password: 'c', admin: false });
  const b = sharedSecretMac('k', { nonce: 'n', username: 'a', password: 'bc', admin: false });
  assert.notEqual(a, b);
});

void test('MAC comparison accepts upper-case hex and rejects anything else', () => {
  const mac = sharedSecretMac('k', { nonce: 'n', username: 'u', password: 'p', admin: false });
  assert.equal(macMatches(mac, mac), true);
  assert.equal(macMatches(mac, mac.toUpperCase()), true);
  assert.equal(macMatches(mac, mac.slice(0, -1) + (mac.endsWith('0') ? '1' : '0')), false);
  assert.equal(macMatches(mac, mac.slice(0, 10)), false);
});
