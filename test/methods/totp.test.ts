import { describe, expect, it } from 'vitest';
import { HOTP, Secret } from 'otpauth';
import { matchTotpStep, newTotpKey, totpCodeAt, totpUri } from '../../src/methods/totp/totp.js';
import { buildKeyring } from '../../src/platform/keyring.js';
import { openSecret, sealSecret } from '../../src/platform/secret-box.js';

// RFC 6238 Appendix B (SHA-1 rows) and RFC 4226 Appendix D: the shared secret is ASCII "12345678901234567890".
const RFC_KEY = Secret.fromLatin1('12345678901234567890').base32;

describe('authenticator codes', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('RFC 6238 vector: T=%i → %s', (seconds, expected) => {
    expect(totpCodeAt(RFC_KEY, seconds * 1000, 8)).toBe(expected);
    expect(matchTotpStep(RFC_KEY, expected, seconds * 1000, 8)).toBe(Math.floor(seconds / 30));
  });

  it('RFC 4226 vectors: HOTP counters 0–9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => expect(HOTP.generate({ secret: Secret.fromBase32(RFC_KEY), counter })).toBe(code));
  });

  it('ASVS 6.5.1: keys carry at least 112 bits (160 here)', () => {
    const key = newTotpKey();
    expect(Secret.fromBase32(key).bytes.length * 8).toBeGreaterThanOrEqual(160);
    expect(newTotpKey()).not.toBe(key);
  });

  it('accepts one step of drift either side, and nothing further', () => {
    const key = newTotpKey();
    const now = 1_800_000_000_000;
    expect(matchTotpStep(key, totpCodeAt(key, now - 30_000), now)).toBe(Math.floor(now / 30_000) - 1);
    expect(matchTotpStep(key, totpCodeAt(key, now + 30_000), now)).toBe(Math.floor(now / 30_000) + 1);
    expect(matchTotpStep(key, totpCodeAt(key, now - 90_000), now)).toBeNull();
    expect(matchTotpStep(key, 'abcdef', now)).toBeNull();
    expect(matchTotpStep(key, '1234567', now)).toBeNull();
  });

  it('builds an otpauth:// URI for the QR code', () => {
    const uri = totpUri('JBSWY3DPEHPK3PXP', 'ada@example.com');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Custos:ada%40example\.com\?/);
    expect(uri).toContain('secret=JBSWY3DPEHPK3PXP');
    expect(uri).toContain('period=30');
  });

  it('seals authenticator keys so the database holds no readable key', () => {
    const keys = buildKeyring('server secret with enough entropy 123');
    const sealed = sealSecret(keys, 'totp', 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(openSecret(keys, 'totp', sealed)).toEqual({ plaintext: 'JBSWY3DPEHPK3PXP', stale: false });
    expect(() => openSecret(buildKeyring('another secret with enough entropy 123'), 'totp', sealed)).toThrow();
    expect(() => openSecret(keys, 'other-purpose', sealed)).toThrow();
  });
});
