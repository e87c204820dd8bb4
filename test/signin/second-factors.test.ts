import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { startTotpEnrolment, useTotpCode } from '../../src/methods/totp/totp-factor.js';
import { BACKUP_CODE_COUNT, consumeBackupCode, normalizeBackupCode, replaceBackupCodes } from '../../src/methods/backup-codes/backup-codes.js';
import { signUpFrom, textValuesOf } from '../helpers/fixtures.js';

/**
 * Second-factor storage (SECURITY.md "One-time codes and secrets"): a TOTP code is accepted once — a replay in
 * the same window fails, even two uses at the same instant (ASVS 6.5.1); backup codes carry ≥ 64 bits, are
 * stored hashed, single-use, and a new set invalidates the old.
 */
describe('second factors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const secret = () => t.config.keys;

  async function confirmedTotp(accountId: string): Promise<string> {
    const { key } = await startTotpEnrolment(t.app.deps.db, t.clock, secret(), accountId);
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), accountId, totpCodeAt(key, t.clock.now()), { confirming: true })).toBeDefined();
    t.clock.advance(30_000);
    return key;
  }

  it('ASVS 6.5.1: an authenticator code is accepted once; a replay in the same window fails', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const key = await confirmedTotp(accountId);
    const code = totpCodeAt(key, t.clock.now());
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), accountId, code)).toBeDefined();
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), accountId, code)).toBeUndefined();
    t.clock.advance(10_000);
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), accountId, code)).toBeUndefined();
  });

  it('ASVS 6.5.1: two uses of the same authenticator code at the same instant → exactly one accepted', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const key = await confirmedTotp(accountId);
    const code = totpCodeAt(key, t.clock.now());
    const results = await Promise.all(Array.from({ length: 8 }, () => useTotpCode(t.app.deps.db, t.clock, secret(), accountId, code)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('ASVS 6.5.1: once a newer code is used, an older one still inside the drift window is refused', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const key = await confirmedTotp(accountId);
    const previous = totpCodeAt(key, t.clock.now() - 30_000);
    const current = totpCodeAt(key, t.clock.now());
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), accountId, current)).toBeDefined();
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), accountId, previous)).toBeUndefined();
  });

  it("an authenticator code works only for the account whose key made it, and an unconfirmed key signs nothing in", async () => {
    const { accountId: ada } = await signUpFrom(t, { email: 'ada@example.com' });
    const { accountId: bob } = await signUpFrom(t, { email: 'bob@example.com' });
    const adaKey = await confirmedTotp(ada);
    await confirmedTotp(bob);
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), bob, totpCodeAt(adaKey, t.clock.now()))).toBeUndefined();

    const { accountId: carol } = await signUpFrom(t, { email: 'carol@example.com' });
    const { key: pending } = await startTotpEnrolment(t.app.deps.db, t.clock, secret(), carol);
    expect(await useTotpCode(t.app.deps.db, t.clock, secret(), carol, totpCodeAt(pending, t.clock.now()))).toBeUndefined();
  });

  it('the authenticator key is stored sealed, never readable in the database', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const { key } = await startTotpEnrolment(t.app.deps.db, t.clock, secret(), accountId);
    const rows = await t.app.deps.db.selectFrom('factors').selectAll().execute();
    const values = rows.flatMap((r) => Object.values(r).filter((v): v is string => typeof v === 'string'));
    expect(values.filter((v) => v.includes(key))).toEqual([]);
  });

  it('backup codes: ten, at least 64 bits each, all different', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const codes = await replaceBackupCodes(t.app.deps.db, t.clock, t.app.deps.random, secret(), accountId);
    expect(codes).toHaveLength(BACKUP_CODE_COUNT);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      const raw = normalizeBackupCode(code);
      const alphabet = new Set('abcdefghjkmnpqrstuvwxyz23456789');
      expect([...raw].every((c) => alphabet.has(c))).toBe(true);
      expect(raw.length * Math.log2(alphabet.size)).toBeGreaterThanOrEqual(64);
    }
  });

  it('backup codes are stored only hashed', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const codes = await replaceBackupCodes(t.app.deps.db, t.clock, t.app.deps.random, secret(), accountId);
    const rows = await t.app.deps.db.selectFrom('backup_codes').selectAll().execute();
    const stored = rows.flatMap((r) => Object.values(r).filter((v): v is string => typeof v === 'string')).join('\n');
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(normalizeBackupCode(code));
    }
    expect((await textValuesOf(t, 'audit_events')).join('\n')).not.toContain(normalizeBackupCode(codes[0]!));
  });

  it('a backup code is single-use, even when used twice at once; typing format does not matter', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const [first, second] = await replaceBackupCodes(t.app.deps.db, t.clock, t.app.deps.random, secret(), accountId);
    const results = await Promise.all(Array.from({ length: 6 }, () => consumeBackupCode(t.app.deps.db, t.clock, secret(), accountId, first!)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await consumeBackupCode(t.app.deps.db, t.clock, secret(), accountId, first!)).toBe(false);
    expect(await consumeBackupCode(t.app.deps.db, t.clock, secret(), accountId, ` ${second!.toUpperCase().replace(/-/g, ' ')} `)).toBe(true);
  });

  it('regenerating backup codes invalidates the whole old set', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const old = await replaceBackupCodes(t.app.deps.db, t.clock, t.app.deps.random, secret(), accountId);
    const fresh = await replaceBackupCodes(t.app.deps.db, t.clock, t.app.deps.random, secret(), accountId);
    for (const code of old) expect(await consumeBackupCode(t.app.deps.db, t.clock, secret(), accountId, code)).toBe(false);
    expect(await consumeBackupCode(t.app.deps.db, t.clock, secret(), accountId, fresh[0]!)).toBe(true);
  });

  it("another account's backup code is worthless here; malformed input is simply refused", async () => {
    const { accountId: ada } = await signUpFrom(t, { email: 'ada@example.com' });
    const { accountId: bob } = await signUpFrom(t, { email: 'bob@example.com' });
    const adaCodes = await replaceBackupCodes(t.app.deps.db, t.clock, t.app.deps.random, secret(), ada);
    await replaceBackupCodes(t.app.deps.db, t.clock, t.app.deps.random, secret(), bob);
    expect(await consumeBackupCode(t.app.deps.db, t.clock, secret(), bob, adaCodes[0]!)).toBe(false);
    for (const typed of ['', "' OR 1=1 --", 'x'.repeat(10_000), 'abcd-efgh-jkmn-pqr\u0000']) {
      expect(await consumeBackupCode(t.app.deps.db, t.clock, secret(), ada, typed)).toBe(false);
    }
    expect(await consumeBackupCode(t.app.deps.db, t.clock, secret(), ada, adaCodes[0]!)).toBe(true);
  });
});
