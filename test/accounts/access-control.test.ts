import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * ASVS 8.2.2, 8.2.3 and CVE-2025-61928: objects are checked against their owner, and no body field chooses whose
 * account is acted on or sets a protected attribute (status, verification, ids).
 */
describe('access control', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function snapshot(accountId: string) {
    const account = await t.app.deps.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
    const identifiers = await t.app.deps.db.selectFrom('identifiers').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    return { account, identifiers };
  }

  it('ASVS 8.2.3: PATCH /api/v1/account with status, email_verified, id or account_id → 400 naming them, and nothing changes', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com', name: 'Ada' });
    const before = await snapshot(accountId);
    const res = await api(t, 'PATCH', '/api/v1/account', {
      token,
      body: { name: 'Changed', status: 'active', email_verified: true, id: 'someone-else', account_id: 'someone-else' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request.invalid');
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['account_id', 'email_verified', 'id', 'status']);
    for (const field of ['account_id', 'email_verified', 'id', 'status']) expect(res.body.error.fields[field]).toMatch(/not recognised/);
    expect(await snapshot(accountId)).toEqual(before);
  });

  it('ASVS 8.2.3: camelCase and role-like fields are refused the same way', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com', name: 'Ada' });
    const before = await snapshot(accountId);
    for (const extra of [{ emailVerified: true }, { role: 'admin' }, { roles: ['admin'] }, { password_hash: 'x' }, { accountId: 'x' }]) {
      const res = await api(t, 'PATCH', '/api/v1/account', { token, body: { name: 'Changed', ...extra } });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.error.fields)).toEqual(Object.keys(extra));
    }
    expect(await snapshot(accountId)).toEqual(before);
  });

  it("CVE-2025-61928: a body field cannot point a change at another customer's account", async () => {
    const { token: mallory } = await signUpFrom(t, { email: 'mallory@example.com', name: 'Mallory' });
    const { accountId: aliceId } = await signUpFrom(t, { email: 'alice@example.com', name: 'Alice' });
    const before = await snapshot(aliceId);
    const attempts = [
      api(t, 'PATCH', '/api/v1/account', { token: mallory, body: { name: 'Owned', account_id: aliceId } }),
      api(t, 'POST', '/api/v1/account/email', { token: mallory, body: { email: 'x@example.com', account_id: aliceId } }),
      api(t, 'POST', '/api/v1/account/phone', { token: mallory, body: { phone: '+14155550132', accountId: aliceId } }),
      api(t, 'POST', '/api/v1/sessions/end-others', { token: mallory, body: { account_id: aliceId } }),
      api(t, 'POST', '/api/v1/step-up', { token: mallory, body: { password: 'x', account_id: aliceId } }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(400);
    expect(await snapshot(aliceId)).toEqual(before);
    expect(await t.app.deps.db.selectFrom('outbox').select('id').where('recipient', '=', 'x@example.com').execute()).toEqual([]);
  });

  it('ASVS 8.2.3: a customer cannot mark a pending email verified by any update; only the code does it', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'ada-new@example.com' } });
    const res = await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code: 'x', verified: true } });
    expect(res.status).toBe(400);
    const emails = await t.app.deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', accountId).where('kind', '=', 'email').execute();
    expect(emails.map((e) => e.normalized)).toEqual(['ada@example.com']);
    const code = await lastCodeTo(t, 'ada-new@example.com');
    expect((await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code } })).status).toBe(200);
  });

  it('ASVS 8.2.2: every account route acts on the session’s own account only', async () => {
    const { token: alice } = await signUpFrom(t, { email: 'alice@example.com', name: 'Alice' });
    const { token: bob } = await signUpFrom(t, { email: 'bob@example.com', name: 'Bob' });
    expect((await api(t, 'PATCH', '/api/v1/account', { token: bob, body: { name: 'Robert' } })).status).toBe(200);
    expect((await api(t, 'GET', '/api/v1/account', { token: alice })).body.account.name).toBe('Alice');
    expect((await api(t, 'GET', '/api/v1/account', { token: bob })).body.account.name).toBe('Robert');
    const ended = await api(t, 'POST', '/api/v1/sessions/end-others', { token: bob, body: {} });
    expect(ended.body.ended_sessions).toBe(0);
    expect((await api(t, 'GET', '/api/v1/account', { token: alice })).status).toBe(200);
  });

  it('ASVS 8.2.2: the internal account id is never shown to the customer', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    for (const url of ['/api/v1/account', '/api/v1/sessions']) {
      const res = await api(t, 'GET', url, { token });
      expect(JSON.stringify(res.body)).not.toContain(accountId);
    }
  });
});
