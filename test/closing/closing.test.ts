import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY } from '../../src/platform/clock.js';
import { findClosure, recordClosure } from '../../src/accounts/closures.js';
import { api, createTestApp, signIn, STRONG_PASSWORD, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { countEvents, TRUST_ONE_PROXY, burstIp } from '../helpers/burst.js';
import { expectClientError, messagesTo, signinAtPassword, signUpFrom, submitPassword } from '../helpers/fixtures.js';
import { giveEverything } from '../data-export/everything.js';

/**
 * "Close your account": a recent password confirmation, one closure however many requests race, every session and
 * partner grant ended, the contacts told; then, within CLOSE_GRACE_DAYS, signing in with the password asks
 * "reopen it?" — never reopens silently, never gives a closed account a session, and answers a wrong password as
 * it answers any wrong password.
 */
const EMAIL = 'grace@example.com';

describe('close your account', () => {
  let t: TestApp;
  let owner: { token: string; accountId: string };
  beforeEach(async () => {
    t = await createTestApp({ CLOSE_GRACE_DAYS: '30' });
    owner = await signUpFrom(t, { email: EMAIL, name: 'Grace Hopper' });
  });
  afterEach(() => t.close());

  const close = (token: string) => api(t, 'POST', '/api/v1/account/close', { token, body: { confirm: true } });

  it('SECURITY.md Sessions: disabling an account kills all its sessions — closing ends sessions and partner grants, records the closure, tells the contacts', async () => {
    await giveEverything(t, owner.accountId, { name: 'Grace Hopper', phone: '+15555550100' });
    const closed = await close(owner.token);
    expect(closed.status).toBe(200);
    expect(closed.body.account).toEqual({ status: 'closed', reopen_until: new Date(t.clock.now() + 30 * DAY).toISOString() });
    expect(await findClosure(t.app.deps.db, owner.accountId)).toMatchObject({ reason: 'customer', eraseAfter: t.clock.now() + 30 * DAY, erasedAt: null });
    // SECURITY.md Sessions: disabling an account kills all its sessions (ASVS 7.4.2).
    expectClientError(await api(t, 'GET', '/api/v1/account', { token: owner.token }), 401, 'auth.required');
    const grants = await t.app.deps.db.selectFrom('partner_grants').select('revoked_at').where('account_id', '=', owner.accountId).execute();
    expect(grants.every((g) => g.revoked_at !== null)).toBe(true);
    expect((await messagesTo(t, EMAIL)).map((m) => m.template)).toContain('accountClosed');
    expect(await countEvents(t, 'account.closed', { accountId: owner.accountId })).toBe(1);
  });

  it('SECURITY.md Sessions: closing needs a recent sign-in (step-up) and an explicit confirm; hostile bodies are a 4xx', async () => {
    expectClientError(await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: {} }), 400, 'request.invalid');
    expectClientError(await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: { confirm: 'yes' } }), 400, 'request.invalid');
    const oversized = await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: { confirm: true, extra: 'x'.repeat(2_000_000) } });
    expect(oversized.status).toBeGreaterThanOrEqual(400);
    expect(oversized.status).toBeLessThan(500);
    t.clock.advance(60 * 60 * 1000);
    expectClientError(await close(owner.token), 403, 'auth.step_up_required');
    expect(await findClosure(t.app.deps.db, owner.accountId)).toBeUndefined();
  });

  it('the reopen step is not a way around the sign-in: a flow that is not waiting at it cannot reopen', async () => {
    expect((await close(owner.token)).status).toBe(200);
    const flowId = await signinAtPassword(t, EMAIL);
    expectClientError(await api(t, 'POST', `/api/v1/signin/flows/${flowId}/reopen`, { body: {} }), 409, 'flow.wrong_step');
    expectClientError(await api(t, 'POST', '/api/v1/signin/flows/not-a-flow/reopen', { body: {} }), 404, 'not_found');
  });
});

describe('close your account: 200 requests at once', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(TRUST_ONE_PROXY, { listen: true });
  });
  afterEach(() => t.close());

  it('makes one closure and one notice', async () => {
    const owner = await signUpFrom(t, { email: EMAIL });
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, n) => {
        const res = await fetch(`${t.baseUrl}/api/v1/account/close`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}`, 'x-forwarded-for': burstIp(n) },
          body: JSON.stringify({ confirm: true }),
        });
        await res.text();
        return res.status;
      }),
    );
    expect(answers.filter((s) => s === 200)).toHaveLength(1);
    expect(answers.every((s) => s === 200 || s === 401 || s === 409)).toBe(true);
    expect(await t.app.deps.db.selectFrom('account_closures').selectAll().execute()).toHaveLength(1);
    expect((await messagesTo(t, EMAIL)).filter((m) => m.template === 'accountClosed')).toHaveLength(1);
    expect(await countEvents(t, 'account.closed', { accountId: owner.accountId })).toBe(1);
  });
});

describe('reopen in the grace period', () => {
  let t: TestApp;
  let owner: { token: string; accountId: string };
  beforeEach(async () => {
    t = await createTestApp({ CLOSE_GRACE_DAYS: '30' });
    owner = await signUpFrom(t, { email: EMAIL, name: 'Grace Hopper' });
    expect((await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: { confirm: true } })).status).toBe(200);
  });
  afterEach(() => t.close());

  it('the right password asks first — no session — and "reopen" makes it active, signs in and tells the contacts', async () => {
    t.clock.advance(10 * DAY);
    const asked = await signIn(t, EMAIL, STRONG_PASSWORD);
    expect(asked.status).toBe(200);
    expect(asked.body.flow).toMatchObject({ state: 'reopen' });
    expect(asked.body.session).toBeUndefined();
    expect(asked.headers['set-cookie']).toBeUndefined();
    expect((await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', owner.accountId).executeTakeFirstOrThrow()).status).toBe('closed');

    const reopened = await api(t, 'POST', `/api/v1/signin/flows/${asked.body.flow.id}/reopen`, { body: {} });
    expect(reopened.status).toBe(201);
    expect((await api(t, 'GET', '/api/v1/account', { token: reopened.body.session.token })).status).toBe(200);
    expect(await findClosure(t.app.deps.db, owner.accountId)).toBeUndefined();
    expect((await messagesTo(t, EMAIL)).map((m) => m.template)).toContain('accountReopened');
    expect(await countEvents(t, 'account.reopened', { accountId: owner.accountId })).toBe(1);
    // Twice is not twice reopened.
    expectClientError(await api(t, 'POST', `/api/v1/signin/flows/${asked.body.flow.id}/reopen`, { body: {} }), 409, 'flow.wrong_step');
  });

  it('SECURITY.md Sign-in: a wrong password on a closed account answers exactly like a wrong password on an open one', async () => {
    const other = 'open@example.com';
    await signUpFrom(t, { email: other });
    const onClosed = await submitPassword(t, await signinAtPassword(t, EMAIL), 'not the password at all');
    const onOpen = await submitPassword(t, await signinAtPassword(t, other), 'not the password at all');
    expect(onClosed.status).toBe(401);
    expect(onClosed.status).toBe(onOpen.status);
    expect(onClosed.body).toEqual(onOpen.body);
  });

  it('SECURITY.md Sign-in: after the grace period the right password gets no token and no reopen, like a wrong one', async () => {
    t.clock.advance(30 * DAY + 1);
    const late = await signIn(t, EMAIL, STRONG_PASSWORD);
    expectClientError(late, 401, 'signin.failed');
    expect(late.body.session).toBeUndefined();
  });

  it('SECURITY.md Sign-in: an account closed by a merge does not reopen by signing in', async () => {
    const merged = await signUpFrom(t, { email: 'merged@example.com' });
    await t.app.deps.db.updateTable('accounts').set({ status: 'closed' }).where('id', '=', merged.accountId).execute();
    await recordClosure(t.app.deps.db, t.clock, { accountId: merged.accountId, reason: 'merged', eraseAfter: t.clock.now() + 30 * DAY, mergedInto: owner.accountId });
    expectClientError(await signIn(t, 'merged@example.com', STRONG_PASSWORD), 401, 'signin.failed');
  });
});
