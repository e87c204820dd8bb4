import { describe, expect, it } from 'vitest';
import { hmac } from '../../src/platform/crypto.js';
import { buildKeyring, keyedHash, keyId, matchesKeyedHash, signToken, verifyToken } from '../../src/platform/keyring.js';
import { openSecret, sealSecret } from '../../src/platform/secret-box.js';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

const OLD = 'old-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const NEW = 'new-secret-9876543210-zyxwvutsrqponmlkjihgfedcba';
const rotated = buildKeyring(NEW, [OLD]);
const retired = buildKeyring(NEW);

/** A value sealed the way it was before sealed values named their key (`v1.<iv>.<body>.<tag>`). */
function sealV1(secret: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', secret, 'custos-secret-box', purpose, 32)), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

describe('SECURITY.md Secrets rotate: the keyring', () => {
  it('names keys by a short hash, never the secret, and makes new values under the newest key', () => {
    expect(rotated.current.id).toBe(keyId(NEW));
    expect(keyId(NEW)).toHaveLength(8);
    expect(NEW).not.toContain(keyId(NEW));
    expect(keyedHash(rotated, 'a', 'b')).toEqual({ keyId: keyId(NEW), hash: hmac(NEW, 'a', 'b') });
    expect(signToken(rotated, 'csrf', 'seed').startsWith(`${keyId(NEW)}.`)).toBe(true);
  });

  it('verifies under any listed key, and under none once the key is removed', () => {
    const old = buildKeyring(OLD);
    const token = signToken(old, 'csrf', 'seed');
    expect(verifyToken(rotated, token, 'csrf', 'seed')).toBe(true);
    expect(verifyToken(rotated, token, 'csrf', 'another seed')).toBe(false);
    expect(verifyToken(retired, token, 'csrf', 'seed')).toBe(false);
    const stored = keyedHash(old, 'code', '123456');
    expect(matchesKeyedHash(rotated, stored.keyId, stored.hash, 'code', '123456')).toBe(true);
    expect(matchesKeyedHash(retired, stored.keyId, stored.hash, 'code', '123456')).toBe(false);
  });

  it('values from before key ids (bare MACs, v1 sealed values) still verify and open, and are reported stale', () => {
    expect(verifyToken(rotated, hmac(OLD, 'csrf', 'seed'), 'csrf', 'seed')).toBe(true);
    expect(matchesKeyedHash(rotated, null, hmac(OLD, 'code', '123456'), 'code', '123456')).toBe(true);
    const legacy = sealV1(OLD, 'totp', 'JBSWY3DPEHPK3PXP');
    expect(openSecret(rotated, 'totp', legacy)).toEqual({ plaintext: 'JBSWY3DPEHPK3PXP', stale: true });
    expect(() => openSecret(retired, 'totp', legacy)).toThrow();
    expect(openSecret(rotated, 'totp', sealSecret(rotated, 'totp', 'K'))).toEqual({ plaintext: 'K', stale: false });
    expect(openSecret(rotated, 'totp', sealSecret(buildKeyring(OLD), 'totp', 'K'))).toEqual({ plaintext: 'K', stale: true });
  });
});
