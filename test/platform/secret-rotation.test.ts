import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { HOUR, ManualClock } from '../../src/platform/clock.js';
import { keyId } from '../../src/platform/keyring.js';
import { rememberDevice } from '../../src/activity/known-devices.js';
import { isRememberedDevice, rememberDeviceForSecondStep } from '../../src/methods/remembered-device/remembered-devices.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { codeDeps, consumeCode, findPending, issueCode } from '../../src/verification/codes.js';
import { sandboxGateway } from '../../src/wallet/gateways/sandbox/sandbox-gateway.js';
import { issueToken } from '../../src/wallet/gateways/sandbox/sandbox-tokens.js';
import { api, createTestApp, signIn, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { Browser } from '../helpers/browser.js';

/**
 * SECURITY.md "Secrets rotate": keys carry an id stored with what they sealed; old keys verify and unseal, new
 * data uses the newest. Everything is made under OLD; the service is then restarted with SECRET=NEW and
 * PREVIOUS_SECRETS=OLD, and every kind still works; then OLD is removed, and only what was re-sealed (or was
 * never keyed) keeps working.
 */
const OLD = 'old-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const NEW = 'new-secret-9876543210-zyxwvutsrqponmlkjihgfedcba';
const INFO = { ip: '203.0.113.10', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' };
const CARD = { digits: '4242424242424242', brand: 'visa' as const, expMonth: 12, expYear: 2030 };

describe('SECURITY.md Secrets rotate: SECRET plus PREVIOUS_SECRETS', () => {
  const clock = new ManualClock();
  const apps: TestApp[] = [];
  let before: TestApp;
  let during: TestApp;
  let after: TestApp;

  /** The service restarted on the same database with other secrets (the first start makes the database). */
  async function serviceWith(env: Record<string, string>): Promise<TestApp> {
    const t = await createTestApp(env, { clock, database: apps[0]?.database });
    apps.push(t);
    return t;
  }

  // Made under OLD, used after the rotation.
  let ada: { accountId: string; totpKey: string; backupCodes: string[] };
  let tom: { accountId: string; totpKey: string; backupCodes: string[] };
  let passkey: SoftAuthenticator;
  let unusedPasskey: SoftAuthenticator;
  let csrfBrowser: Browser;
  let rememberToken: string;
  const pendingCodes: Record<string, string> = {};
  const cardTokens: string[] = [];

  beforeAll(async () => {
    before = await serviceWith({ SECRET: OLD });
    ada = await accountWithAuthenticator(before, 'ada@example.com');
    tom = await accountWithAuthenticator(before, 'tom@example.com');
    unusedPasskey = await legacyAccountWithPasskey(before, 'una@example.com');
    // The first start of this release, while SECRET is the only key, stores the handles older passkeys carry.
    expect((await before.app.jobs.runDue()).find((job) => job.name === 'store-legacy-passkey-handles')).toMatchObject({ status: 'done', handled: 1 });
    // Pat's handle is left unstored (as if the job had not yet reached it): sign-in finds it under the old key.
    passkey = await legacyAccountWithPasskey(before, 'pat@example.com');

    for (const purpose of ['email_change', 'phone_confirm'] as const) {
      const issued = await issueCode(codeDeps(before.app.deps), { purpose, channel: 'email', target: 'ada.new@example.com', ttlMs: HOUR, accountId: ada.accountId });
      pendingCodes[purpose] = issued.code;
    }
    csrfBrowser = new Browser(before.app);
    expect((await csrfBrowser.get('/signin')).status).toBe(200);
    expect(await rememberDevice(before.app.deps, before.app.deps.db, ada.accountId, { ...INFO, deviceToken: 'known-device-cookie-value-0123456789' })).toEqual({ isNew: true });
    rememberToken = (await rememberDeviceForSecondStep(before.app.deps.db, clock, before.app.deps.random, ada.accountId, INFO)).token;
    cardTokens.push(issueToken(before.config.keys, CARD, 'setup-1'), issueToken(before.config.keys, CARD, 'setup-2'));

    during = await serviceWith({ SECRET: NEW, PREVIOUS_SECRETS: OLD });
    after = await serviceWith({ SECRET: NEW });
  });
  afterAll(async () => {
    // The first start owns the database: it closes last.
    for (const t of apps.reverse()) await t.close();
  });

  it('key ids are short hashes, never the secret, and new values are made under the newest key', async () => {
    expect(during.config.keys.current).toEqual({ id: keyId(NEW), secret: NEW });
    expect(during.config.keys.previous).toEqual([{ id: keyId(OLD), secret: OLD }]);
    expect(keyId(OLD)).toMatch(/^[\w-]{8}$/);
    expect(OLD).not.toContain(keyId(OLD));
    const issued = await issueCode(codeDeps(during.app.deps), { purpose: 'secure_account', channel: 'email', target: 'ada@example.com', ttlMs: HOUR, accountId: ada.accountId });
    const row = await before.database.db.kysely.selectFrom('verifications').select('key_id').where('id', '=', issued.verificationId).executeTakeFirstOrThrow();
    expect(row.key_id).toBe(keyId(NEW));
  });

  it('with the old SECRET in PREVIOUS_SECRETS, everything made under it still works', async () => {
    // A pending email code.
    const deps = codeDeps(during.app.deps);
    await expect(consumeCode(deps, await findPending(deps, { accountId: ada.accountId }, 'email_change'), pendingCodes.email_change!)).resolves.toMatchObject({ purpose: 'email_change' });
    // A form rendered before the rotation.
    expect((await postedFrom(csrfBrowser, during)).status).toBe(303);
    // Known-device and remembered-device cookies.
    expect(await rememberDevice(during.app.deps, during.app.deps.db, ada.accountId, { ...INFO, deviceToken: 'known-device-cookie-value-0123456789' })).toEqual({ isNew: false });
    expect(await isRememberedDevice(during.app.deps.db, clock, ada.accountId, rememberToken)).toBe(true);
    // A TOTP sign-in, which moves the sealed key to the new SECRET.
    expect((await secondStep(during, 'totp', totpCodeAt(ada.totpKey, clock.now()))).status).toBe(201);
    const factor = await before.database.db.kysely.selectFrom('factors').select('secret_sealed').where('account_id', '=', ada.accountId).where('kind', '=', 'totp').executeTakeFirstOrThrow();
    expect(factor.secret_sealed).toMatch(new RegExp(`^v2\\.${keyId(NEW)}\\.`));
    // A backup code.
    expect((await secondStep(during, 'backup_code', ada.backupCodes[0]!)).status).toBe(201);
    // A passkey registered when its handle was derived from the old SECRET.
    expect((await passkeySignIn(during, passkey)).status).toBe(201);
    // A sandbox card token.
    await expect(sandboxGateway(during.config).retrieveTokenizedCard(cardTokens[0]!)).resolves.toMatchObject({ last4: '4242', setupReference: 'setup-1' });
  });

  it('once the old SECRET is removed, what was re-sealed or stored still works and the rest is refused', async () => {
    clock.advance(60_000);
    // Re-sealed or stored on first use: keeps working.
    expect((await secondStep(after, 'totp', totpCodeAt(ada.totpKey, clock.now()))).status).toBe(201);
    expect((await passkeySignIn(after, passkey)).status).toBe(201);
    // Never used while both keys were listed, and still fine: its handle was stored at the first start.
    expect((await passkeySignIn(after, unusedPasskey)).status).toBe(201);
    // Random cookies stored only as a plain hash were never keyed: nothing to lose.
    expect(await isRememberedDevice(after.app.deps.db, clock, ada.accountId, rememberToken)).toBe(true);
    expect(await rememberDevice(after.app.deps, after.app.deps.db, ada.accountId, { ...INFO, deviceToken: 'known-device-cookie-value-0123456789' })).toEqual({ isNew: false });

    // Keyed under the old SECRET and never re-keyed: refused.
    const deps = codeDeps(after.app.deps);
    await expect(consumeCode(deps, await findPending(deps, { accountId: ada.accountId }, 'phone_confirm'), pendingCodes.phone_confirm!)).rejects.toMatchObject({ code: 'code.invalid' });
    const backup = await secondStep(after, 'backup_code', ada.backupCodes[1]!);
    expect(backup.body.error.code).toBe('signin.second_factor_failed');
    // An authenticator never used while both keys were listed can no longer be opened: refused, not a 500.
    const unsealed = await secondStep(after, 'totp', totpCodeAt(tom.totpKey, clock.now()), 'tom@example.com');
    expect(unsealed.body.error.code).toBe('signin.second_factor_failed');
    const stale = await postedFrom(csrfBrowser, after);
    expect(stale.status).toBe(403);
    await expect(sandboxGateway(after.config).retrieveTokenizedCard(cardTokens[1]!)).rejects.toThrow();
  });

  it('production refuses a weak PREVIOUS_SECRETS as it refuses a weak SECRET', () => {
    const production = { NODE_ENV: 'production', SECRET: NEW, PUBLIC_URL: 'https://account.shop.example', DATABASE_URL: 'postgres://db/custos' };
    expect(() => loadConfig({ ...production, PREVIOUS_SECRETS: OLD })).not.toThrow();
    expect(() => loadConfig({ ...production, PREVIOUS_SECRETS: `${OLD},short` })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, PREVIOUS_SECRETS: 'a'.repeat(40) })).toThrow(/PREVIOUS_SECRETS/);
  });

  async function secondStep(t: TestApp, method: 'totp' | 'backup_code', code: string, email = 'ada@example.com') {
    const flow = await signIn(t, email, STRONG_PASSWORD);
    expect(flow.body.flow.state).toBe('second_factor');
    return api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/second-factor`, { body: { method, code } });
  }
});

/** The browser posts the form it loaded earlier, to a service that may have been restarted since. */
async function postedFrom(browser: Browser, t: TestApp) {
  const restarted = new Browser(t.app);
  for (const [name, value] of browser.cookies) restarted.cookies.set(name, value);
  restarted.csrf = browser.csrf;
  return restarted.post('/signin', { identifier: 'ada@example.com' });
}

async function stepUp(t: TestApp, token: string): Promise<string> {
  const confirmed = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
  expect(confirmed.status).toBe(200);
  return confirmed.body.session.token;
}

async function accountWithAuthenticator(t: TestApp, email: string) {
  const { token } = await signUp(t, { email });
  const fresh = await stepUp(t, token);
  const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token: fresh, body: {} });
  const confirmed = await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token: fresh, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
  expect(confirmed.status).toBe(204);
  const codes = await api(t, 'POST', '/api/v1/two-step/backup-codes', { token: await stepUp(t, fresh), body: {} });
  const account = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', email).executeTakeFirstOrThrow();
  t.clock.advance(60_000);
  return { accountId: account.account_id, totpKey: begun.body.key as string, backupCodes: codes.body.codes as string[] };
}

/** An account from before handles were stored (its handle derived from SECRET), with a passkey. */
async function legacyAccountWithPasskey(t: TestApp, email: string): Promise<SoftAuthenticator> {
  const { token } = await signUp(t, { email });
  const account = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', email).executeTakeFirstOrThrow();
  await t.app.deps.db.updateTable('accounts').set({ webauthn_user_handle: null }).where('id', '=', account.account_id).execute();
  const fresh = await stepUp(t, token);
  const device = new SoftAuthenticator(t.config.publicUrl);
  const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token: fresh, body: { name: 'Laptop' } });
  const added = await api(t, 'POST', '/api/v1/passkeys/registration', { token: fresh, body: { flow_id: options.body.flow_id, name: 'Laptop', response: device.register(options.body.options) } });
  expect(added.status).toBe(201);
  // Forget what registration stored, as an account registered before this release would have nothing stored.
  await t.app.deps.db.updateTable('accounts').set({ webauthn_user_handle: null }).where('id', '=', account.account_id).execute();
  return device;
}

async function passkeySignIn(t: TestApp, device: SoftAuthenticator) {
  const started = await api(t, 'POST', '/api/v1/signin/passkey/options', { body: {} });
  return api(t, 'POST', '/api/v1/signin/passkey', { body: { flow_id: started.body.flow_id, response: device.authenticate(started.body.options) } });
}
