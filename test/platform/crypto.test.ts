import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hmac, newId, randomDigits, randomToken, sha256 } from '../../src/platform/crypto.js';
import { cryptoRandom } from '../../src/platform/random.js';

describe('crypto helpers', () => {
  it('randomToken: 256 bits by default, base64url, never repeating', () => {
    const tokens = Array.from({ length: 1000 }, () => randomToken(cryptoRandom));
    for (const token of tokens.slice(0, 20)) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(Buffer.from(randomToken(cryptoRandom, 16), 'base64url')).toHaveLength(16);
  });

  it('newId: 128 random bits', () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    expect(Buffer.from(ids[0]!, 'base64url')).toHaveLength(16);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('randomDigits: six decimal digits, leading zeros kept, every digit used about equally', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const code = randomDigits(cryptoRandom);
      expect(code).toMatch(/^\d{6}$/);
      for (const c of code) counts[Number(c)]!++;
    }
    // 60,000 digits: each expected 6,000 (σ ≈ 73); a stuck, missing or grossly skewed digit falls far outside this band.
    for (const n of counts) {
      expect(n).toBeGreaterThan(5_500);
      expect(n).toBeLessThan(6_500);
    }
    expect(randomDigits(cryptoRandom, 8)).toMatch(/^\d{8}$/);
  });

  it('sha256: the standard digest, base64url (FIPS 180-2 "abc" vector)', () => {
    expect(sha256('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url'));
  });

  it('hmac: keyed, and its parts are length-framed so they cannot be re-split', () => {
    expect(hmac('key-one', 'a', 'b')).not.toBe(hmac('key-two', 'a', 'b'));
    expect(hmac('key', 'ab', 'c')).not.toBe(hmac('key', 'a', 'bc'));
    expect(hmac('key', 'abc')).not.toBe(hmac('key', 'ab', 'c'));
    expect(hmac('key', 'id', '123456')).toBe(hmac('key', 'id', '123456'));
    expect(hmac('key', 'x')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('constantTimeEqual: equal only when identical, any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});
