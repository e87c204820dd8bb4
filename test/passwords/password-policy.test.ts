import { describe, expect, it } from 'vitest';
import { checkPassword, normalizePassword, PASSWORD_MAX, PASSWORD_MIN_SINGLE_FACTOR, PASSWORD_MIN_WITH_SECOND_FACTOR } from '../../src/passwords/policy.js';
import { isBlocklisted } from '../../src/passwords/blocklist.js';
import { ARGON2_PARAMS, needsRehash } from '../../src/passwords/hashing.js';

describe('password policy verdicts', () => {
  it('NIST §3.1.1.2: 15 characters for a single factor, 8 with a second factor', () => {
    expect(PASSWORD_MIN_SINGLE_FACTOR).toBe(15);
    expect(PASSWORD_MIN_WITH_SECOND_FACTOR).toBe(8);
    expect(checkPassword('qv7 brisk oxen')).toMatchObject({ ok: false, reason: 'too_short' });
    expect(checkPassword('qv7 brisk oxen!')).toMatchObject({ ok: true });
    expect(checkPassword('qv7 brisk', { hasSecondFactor: true })).toMatchObject({ ok: true });
    expect(checkPassword('qv7 bri', { hasSecondFactor: true })).toMatchObject({ ok: false, reason: 'too_short' });
  });

  it('counts characters after NFC, not UTF-16 units or bytes', () => {
    // 14 characters in NFC, 19 code points in NFD: still too short.
    const short = 'éééééé brisk o'.normalize('NFD');
    expect([...short.normalize('NFC')].length).toBe(14);
    expect(checkPassword(short)).toMatchObject({ reason: 'too_short' });
  });

  it('ASVS 6.2.9: at least 64 characters accepted; 128 is the ceiling and is said, never cut', () => {
    const words = 'amber otter kiln meadow quartz violet harbour lantern drift ';
    expect(checkPassword(words.repeat(2).slice(0, 64))).toMatchObject({ ok: true });
    expect(checkPassword(words.repeat(3).slice(0, PASSWORD_MAX))).toMatchObject({ ok: true });
    expect(checkPassword(words.repeat(3).slice(0, PASSWORD_MAX + 1))).toMatchObject({ ok: false, reason: 'too_long', message: expect.stringMatching(/128/) });
  });

  it('ASVS 6.2.4: blocklisted passwords are refused whatever their letter case, with a reason', () => {
    expect(isBlocklisted('PerAsperaAdAstra')).toBe(true);
    expect(checkPassword('perasperaadastra')).toMatchObject({ ok: false, reason: 'blocklisted', message: expect.stringMatching(/leaked/) });
    expect(checkPassword('qwerty123456789')).toMatchObject({ ok: false, reason: 'blocklisted' });
  });

  it('ASVS 6.2.12: the service name, the name, the email and its parts, and the phone are context words', () => {
    const context = { name: 'Grace Hopper', email: 'g.hopper@navy-lab.org', phone: '+14155550132' };
    expect(checkPassword('custos velvet lantern', context)).toMatchObject({ reason: 'context' });
    expect(checkPassword('velvet HOPPER lantern', context)).toMatchObject({ reason: 'context' });
    expect(checkPassword('velvet grace lantern', context)).toMatchObject({ reason: 'context' });
    expect(checkPassword('hopper velvet lantern', { email: 'g.hopper@navy-lab.org' })).toMatchObject({ reason: 'context' });
    expect(checkPassword('velvet 5550132 lantern', context)).toMatchObject({ reason: 'context' });
    expect(checkPassword('velvet harbour lantern', context)).toMatchObject({ ok: true });
  });

  it('ASVS 6.2.5: no composition rules: lower-case words with spaces pass, and guessable ones fail as weak', () => {
    expect(checkPassword('velvet harbour lantern quietly')).toMatchObject({ ok: true, score: expect.any(Number) });
    expect(checkPassword('zzzzzzzzzzzzzzzzzzzzq')).toMatchObject({ ok: false, reason: 'weak', message: expect.stringMatching(/easy to guess/) });
    expect(checkPassword('december december 2024')).toMatchObject({ ok: false, reason: 'weak' });
  });

  it('normalizePassword: NFC, nothing else (no trimming, no case change)', () => {
    expect(normalizePassword('Cafe\u0301 ')).toBe('Café ');
  });
});

describe('password hash parameters', () => {
  it('CS Password Storage: argon2id with m=19 MiB, t=2, p=1', () => {
    expect(ARGON2_PARAMS).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('needsRehash flags weaker, different or foreign hashes, and not the current parameters', () => {
    const salt = 'c2FsdHNhbHRzYWx0c2FsdA';
    expect(needsRehash(`$argon2id$v=19$m=19456,t=2,p=1$${salt}$aGFzaA`)).toBe(false);
    expect(needsRehash(`$argon2id$v=19$m=4096,t=2,p=1$${salt}$aGFzaA`)).toBe(true);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=1,p=1$${salt}$aGFzaA`)).toBe(true);
    expect(needsRehash(`$argon2i$v=19$m=19456,t=2,p=1$${salt}$aGFzaA`)).toBe(true);
    expect(needsRehash('$2b$12$abcdefghijklmnopqrstuv')).toBe(true);
  });
});
