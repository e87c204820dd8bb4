import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Algorithm, hash } from '@node-rs/argon2';
import { api, createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { loadBlocklist } from '../../src/passwords/blocklist.js';
import { countRows, freshIp, signUpFrom } from '../helpers/fixtures.js';

/**
 * Passwords (CS Password Storage, ASVS 6.2.4, 6.2.8, 6.2.9, 6.2.12, NIST §3.1.1.2): argon2id at m=19 MiB, t=2, p=1
 * with upgrade on sign-in; 15 characters minimum for a single factor; at least 64 accepted and never truncated;
 * NFC-normalised; spaces allowed; breached and context words refused, with the reason.
 */
describe('password rules through the API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const startSignup = (body: Record<string, unknown>) => api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'Ada Lovelace', email: 'ada@example.com', ...body } });
  const verdict = async (password: string, context: Record<string, string> = {}) =>
    (await api(t, 'POST', '/api/v1/passwords/check', { body: { password, ...context } })).body;

  it('ASVS 6.2.4: the blocklist holds at least 100,000 common or breached passwords', () => {
    expect(loadBlocklist().size).toBeGreaterThanOrEqual(100_000);
  });

  it('ASVS 6.2.4 / NIST §3.1.1.2: a breached password is refused at sign-up and the reason is given, even when it looks random', async () => {
    // Both are on the list yet look strong to an estimator: only the blocklist stops them.
    for (const breached of ['perasperaadastra', 'c7y8ucyfpbuk7uyrl6yupgw', 'PerAsperaAdAstra']) {
      expect(await verdict(breached)).toMatchObject({ ok: false, reason: 'blocklisted', message: expect.stringMatching(/leaked/) });
      const res = await startSignup({ password: breached });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.password).toMatch(/leaked/);
    }
    expect(await countRows(t, 'flows')).toBe(0);
  });

  it('ASVS 6.2.12: context words (name, email, the service) are refused, with a reason', async () => {
    const context = { name: 'Ada Lovelace', email: 'ada.byron@analytical.org' };
    for (const password of ['lovelace harbour lantern', 'byron harbour lantern quietly', 'analytical harbour lantern', 'custos harbour lantern', 'CUSTOS harbour lantern']) {
      expect(await verdict(password, context)).toMatchObject({ ok: false, reason: 'context', message: expect.stringMatching(/name|email|service/) });
    }
    const res = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'Ada Lovelace', email: 'ada.byron@analytical.org', password: 'lovelace harbour lantern' } });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.password).toMatch(/must not contain your name/);
  });

  it('NIST §3.1.1.2: 14 characters are refused for a single-factor password, 15 are accepted', async () => {
    const short = await startSignup({ password: 'qv7 brisk oxen' });
    expect(short.status).toBe(400);
    expect(short.body.error.fields.password).toMatch(/at least 15 characters/);
    expect((await startSignup({ password: 'qv7 brisk oxen!' })).status).toBe(202);
  });

  it('ASVS 6.2.9 / 6.2.8: 64- and 128-character passwords are accepted and never truncated', async () => {
    const p64 = 'velvet harbour lantern quietly drifting over amber moorland fens!';
    expect([...p64].length).toBe(65);
    const base128 = `${'correct horse battery staple '.repeat(5)}wombat`.slice(0, 128);
    expect(base128.length).toBe(128);
    const at100 = base128.slice(0, 99) + (base128[99] === 'X' ? 'Y' : 'X') + base128.slice(100);
    const at128 = base128.slice(0, 127) + (base128[127] === 'X' ? 'Y' : 'X');

    await signUpFrom(t, { email: 'long64@example.com', password: p64.slice(0, 64) });
    expect((await signIn(t, 'long64@example.com', p64.slice(0, 64))).status).toBe(201);
    expect((await signIn(t, 'long64@example.com', p64)).status).toBe(401);

    await signUpFrom(t, { email: 'long128@example.com', password: base128 });
    expect((await signIn(t, 'long128@example.com', base128)).status).toBe(201);
    expect((await signIn(t, 'long128@example.com', at100)).status).toBe(401);
    expect((await signIn(t, 'long128@example.com', at128)).status).toBe(401);
    expect((await signIn(t, 'long128@example.com', base128.slice(0, 72))).status).toBe(401);
  });

  it('ASVS 6.2.9: a password over the 128-character ceiling is refused with a reason, not cut', async () => {
    const res = await startSignup({ password: 'velvet harbour lantern '.repeat(6) });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.password).toMatch(/at most 128/);
  });

  it('NIST §3.1.1.2: NFC and NFD forms of the same password both sign in', async () => {
    const nfc = 'crème brûlée façade naïve';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    await signUpFrom(t, { email: 'nfc@example.com', password: nfc });
    expect((await signIn(t, 'nfc@example.com', nfd)).status).toBe(201);
    expect((await signIn(t, 'nfc@example.com', nfc)).status).toBe(201);

    await signUpFrom(t, { email: 'nfd@example.com', password: nfd });
    expect((await signIn(t, 'nfd@example.com', nfc)).status).toBe(201);
  });

  it('NIST §3.1.1.2: spaces are allowed and significant; no composition rules', async () => {
    expect(await verdict('velvet harbour lantern quietly')).toMatchObject({ ok: true });
    expect(await verdict('all lower case words here')).toMatchObject({ ok: true });
    await signUpFrom(t, { email: 'spaces@example.com', password: 'velvet  harbour lantern' });
    expect((await signIn(t, 'spaces@example.com', 'velvet  harbour lantern')).status).toBe(201);
    expect((await signIn(t, 'spaces@example.com', 'velvet harbour lantern')).status).toBe(401);
  });

  it('CS Password Storage: the stored hash is argon2id m=19456, t=2, p=1 with its own salt', async () => {
    const { accountId } = await signUpFrom(t, { email: 'a@example.com' });
    const { accountId: other } = await signUpFrom(t, { email: 'b@example.com' });
    const rows = await t.app.deps.db.selectFrom('accounts').select(['id', 'password_hash']).where('id', 'in', [accountId, other]).execute();
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]+$/);
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
    expect(rows.some((r) => r.password_hash!.includes(STRONG_PASSWORD))).toBe(false);
  });

  it('CS Password Storage: a hash made with weaker parameters is upgraded at the next sign-in', async () => {
    const now = t.clock.now();
    const weak = await hash(STRONG_PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(weak).toMatch(/m=4096,t=1,p=1/);
    await t.app.deps.db.insertInto('accounts').values({ id: 'legacy-account', name: 'Legacy', status: 'active', password_hash: weak, password_changed_at: now, created_at: now, updated_at: now }).execute();
    await t.app.deps.db.insertInto('identifiers').values({ id: 'legacy-email', account_id: 'legacy-account', kind: 'email', value: 'legacy@example.com', normalized: 'legacy@example.com', is_primary: 1, verified_at: now, created_at: now }).execute();

    expect((await signIn(t, 'legacy@example.com', STRONG_PASSWORD)).status).toBe(201);
    const after = await t.app.deps.db.selectFrom('accounts').select(['password_hash', 'password_changed_at']).where('id', '=', 'legacy-account').executeTakeFirstOrThrow();
    expect(after.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // A re-hash is not a password change.
    expect(after.password_changed_at).toBe(now);
    expect((await signIn(t, 'legacy@example.com', STRONG_PASSWORD)).status).toBe(201);
  });

  it('CS Password Storage: a wrong password does not trigger the upgrade', async () => {
    const now = t.clock.now();
    const weak = await hash(STRONG_PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await t.app.deps.db.insertInto('accounts').values({ id: 'legacy-account', name: 'Legacy', status: 'active', password_hash: weak, password_changed_at: now, created_at: now, updated_at: now }).execute();
    await t.app.deps.db.insertInto('identifiers').values({ id: 'legacy-email', account_id: 'legacy-account', kind: 'email', value: 'legacy@example.com', normalized: 'legacy@example.com', is_primary: 1, verified_at: now, created_at: now }).execute();
    expect((await signIn(t, 'legacy@example.com', 'a wrong password, not upgraded')).status).toBe(401);
    const after = await t.app.deps.db.selectFrom('accounts').select('password_hash').where('id', '=', 'legacy-account').executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(weak);
  });
});
