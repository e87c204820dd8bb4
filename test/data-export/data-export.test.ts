import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY } from '../../src/platform/clock.js';
import { buildPendingExports } from '../../src/data-export/exports.js';
import { insertIdentifier } from '../../src/accounts/store.js';
import { api, createTestApp, lastMessageTo, signIn, STRONG_PASSWORD, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { burstIp, TRUST_ONE_PROXY } from '../helpers/burst.js';
import { expectClientError, messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { giveEverything, SECRETS } from './everything.js';

/**
 * "Download your data": asked for after a recent password confirmation, built by a background job, emailed as a
 * link that only the signed-in owner can use, gone after 7 days; one under way per account and 3 a day.
 */
const EMAIL = 'ada@example.com';
const NAME = 'Ada Lovelace';
const PHONE = '+447700900123';

describe('download your data', () => {
  let t: TestApp;
  let owner: { token: string; accountId: string };
  beforeEach(async () => {
    t = await createTestApp();
    owner = await signUpFrom(t, { email: EMAIL, name: NAME });
    await insertIdentifier(t.app.deps.db, t.clock, owner.accountId, { kind: 'phone', value: PHONE, normalized: PHONE }, { primary: false, verified: true });
  });
  afterEach(() => t.close());

  async function readyLink(): Promise<string> {
    expect((await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} })).status).toBe(202);
    await buildPendingExports(t.app.deps);
    const mail = await lastMessageTo(t, EMAIL);
    expect(mail?.template).toBe('dataExportReady');
    const link = mail!.text_body.match(/https?:\/\/\S+\/account\/data\/download\?export=[^\s&]+&token=[\w-]+/)?.[0];
    expect(link).toBeDefined();
    return link!.replace(/^https?:\/\/[^/]+/, '');
  }

  it('builds a JSON file holding each kind of data, and no secret of any kind', async () => {
    const given = await giveEverything(t, owner.accountId, { name: NAME, phone: PHONE });
    // A message recorded against the account (the sign-up code went out before the account existed).
    expect((await api(t, 'PATCH', '/api/v1/account', { token: owner.token, body: { name: 'Ada King' } })).status).toBe(200);
    const path = await readyLink();
    const file = await t.app.fastify.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${owner.token}` } });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^application\/json/);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="custos-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = JSON.parse(file.body);
    expect(data.profile.name).toBe('Ada King');
    expect(data.identifiers.map((i: { value: string }) => i.value)).toEqual(expect.arrayContaining([EMAIL, PHONE]));
    expect(data.addresses[0]).toMatchObject({ full_name: NAME, postal_code: 'BS1 4DJ' });
    expect(data.cards).toEqual([expect.objectContaining({ brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 })]);
    expect(data.orders[0]).toMatchObject({ number: given.orderNumber, items: [expect.objectContaining({ title: 'Plain Notebook' })] });
    expect(data.cases[0]).toMatchObject({ order: given.orderNumber, kind: 'dispute' });
    expect(data.activity.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['signup.completed', 'data_export.requested']));
    expect(data.messages.length).toBeGreaterThan(0);
    expect(data.messages).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'email', to: expect.any(String), reference: expect.any(String) })]));
    expect(data.partner_grants).toEqual([expect.objectContaining({ partner: given.partnerName })]);
    expect(data.second_factors.methods).toEqual([expect.objectContaining({ kind: 'totp', name: 'Authenticator app' })]);
    expect(data.second_factors.backup_codes).toEqual({ total: 1, unused: 1 });
    expect(data.sessions.length).toBeGreaterThan(0);
    expect(data.devices.skipping_second_step).toHaveLength(1);

    const account = await t.app.deps.db.selectFrom('accounts').select('password_hash').where('id', '=', owner.accountId).executeTakeFirstOrThrow();
    const sessionHashes = (await t.app.deps.db.selectFrom('sessions').select('token_hash').execute()).map((s) => s.token_hash);
    const forbidden = [account.password_hash!, owner.token, ...sessionHashes, ...Object.values(SECRETS), 'partner_secret_hash', 'pairwise-sub-1'];
    for (const secret of forbidden) expect(file.body).not.toContain(secret);
    expect(file.body).not.toMatch(/argon2id|password_hash|token_hash|gateway_token|secret/i);
  });

  it('SECURITY.md Access control: the link alone gets nothing; another signed-in customer gets 404; a wrong token gets 404', async () => {
    const other = await signUpFrom(t, { email: 'other@example.com' });
    const path = await readyLink();
    const signedOut = await t.app.fastify.inject({ method: 'GET', url: path });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toMatch(/^\/signin/);
    expect(signedOut.body).not.toContain(NAME);
    for (const refused of [
      await api(t, 'GET', path, { token: other.token }),
      await api(t, 'GET', path.replace(/token=[\w-]+/, 'token=' + 'A'.repeat(43)), { token: owner.token }),
      await api(t, 'GET', path.replace(/&token=[\w-]+/, ''), { token: owner.token }),
    ]) {
      expect(refused.status).toBe(404);
      expect(String(refused.body)).not.toContain(NAME);
      expect(refused.headers['content-disposition']).toBeUndefined();
    }
    expect((await api(t, 'GET', path, { token: owner.token })).status).toBe(200);
  });

  it('one export under way per account, and 3 a day: looping the request builds nothing more', async () => {
    expect((await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} })).status).toBe(202);
    expectClientError(await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} }), 409, 'data_export.pending');
    await buildPendingExports(t.app.deps);
    for (let i = 0; i < 2; i += 1) {
      expect((await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} })).status).toBe(202);
      await buildPendingExports(t.app.deps);
    }
    const refused = await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} });
    expectClientError(refused, 429, 'data_export.limit');
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await messagesTo(t, EMAIL)).filter((m) => m.template === 'dataExportReady')).toHaveLength(3);
    t.clock.advance(DAY + 1);
    const fresh = (await signIn(t, EMAIL, STRONG_PASSWORD)).body.session.token;
    expect((await api(t, 'POST', '/api/v1/account/data-exports', { token: fresh, body: {} })).status).toBe(202);
  });

  it('two builders at once (two instances): the export is built, sealed and emailed once', async () => {
    await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} });
    const built = await Promise.all([buildPendingExports(t.app.deps), buildPendingExports(t.app.deps), buildPendingExports(t.app.deps)]);
    expect(built.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await messagesTo(t, EMAIL)).filter((m) => m.template === 'dataExportReady')).toHaveLength(1);
    const row = await t.app.deps.db.selectFrom('data_exports').selectAll().executeTakeFirstOrThrow();
    // Sealed at rest: the database alone does not show the customer's data.
    expect(row.sealed).toMatch(/^v2\./);
    expect(row.sealed).not.toContain(NAME);
    expect(row.sealed).not.toContain(EMAIL);
  });

  it('a request made just before closing waits while the account is closed, and goes ahead if it is reopened', async () => {
    await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} });
    expect((await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: { confirm: true } })).status).toBe(200);
    expect(await buildPendingExports(t.app.deps)).toBe(0);
    const asked = await signIn(t, EMAIL, STRONG_PASSWORD);
    expect((await api(t, 'POST', `/api/v1/signin/flows/${asked.body.flow.id}/reopen`, { body: {} })).status).toBe(201);
    expect(await buildPendingExports(t.app.deps)).toBe(1);
  });

  it('the scheduled job builds it, and the link expires after 7 days, when the sweep deletes the file', async () => {
    await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} });
    const outcomes = await t.app.jobs.runDue();
    expect(outcomes.find((o) => o.name === 'data-exports')).toMatchObject({ status: 'done', handled: 1 });
    const link = (await lastMessageTo(t, EMAIL))!.text_body.match(/\/account\/data\/download\?export=[^\s&]+&token=[\w-]+/)![0];
    expect((await api(t, 'GET', link, { token: owner.token })).status).toBe(200);
    t.clock.advance(7 * DAY + 1);
    const fresh = (await signIn(t, EMAIL, STRONG_PASSWORD)).body.session.token;
    expect((await api(t, 'GET', link, { token: fresh })).status).toBe(404);
    await t.app.jobs.runDue();
    expect(await t.app.deps.db.selectFrom('data_exports').select('id').execute()).toHaveLength(0);
  });

  it('SECURITY.md Sessions: asking needs a recent sign-in (step-up); hostile input is a 4xx', async () => {
    t.clock.advance(60 * 60 * 1000);
    expectClientError(await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} }), 403, 'auth.step_up_required');
    expectClientError(await api(t, 'POST', '/api/v1/account/data-exports', { body: {} }), 401, 'auth.required');
    const odd = await api(t, 'GET', `/account/data/download?export=${'x'.repeat(5000)}&token=%00%ff`, { token: owner.token });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);
  });
});

describe('download your data: many requests at once', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(TRUST_ONE_PROXY, { listen: true });
  });
  afterEach(() => t.close());

  it('50 concurrent requests of one account make one export and spend one of the day\'s three', async () => {
    const owner = await signUpFrom(t, { email: EMAIL });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        const res = await fetch(`${t.baseUrl}/api/v1/account/data-exports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}`, 'x-forwarded-for': burstIp(n) },
          body: '{}',
        });
        await res.text();
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    expect(await t.app.deps.db.selectFrom('data_exports').select('id').execute()).toHaveLength(1);
  });
});
