import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { countRows, messagesTo, setStatus, signUpFrom } from '../helpers/fixtures.js';
import { MINUTE } from '../../src/platform/clock.js';
import { confirm, proveByPasswordAndEmail, readyFlow, startMergeFlow, twoAccounts } from './helpers.js';

/**
 * Merging B into A over the JSON API: B's full sign-in is the proof, the preview lists what moves, the merge moves it
 * in one transaction and closes B; refusals have stable codes; the flow is A's session's alone.
 */
describe('merging two accounts', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('B’s password and an emailed code prove B; the preview lists what moves; the merge moves it and closes B', async () => {
    const { a, b, orderA, orderB, emailA, emailB } = await twoAccounts(t, 'happy');
    const flowId = await readyFlow(t, a.token, emailB);
    const preview = await api(t, 'GET', `/api/v1/account/merges/${flowId}`, { token: a.token });
    expect(preview.body.preview.moves.orders.count).toBe(1);
    expect(preview.body.preview.moves.identifiers).toEqual(['b•••@e•••.com']);
    expect(preview.body.preview.stays.account).toBe('closes');

    const done = await confirm(t, a.token, flowId);
    expect(done.status).toBe(200);
    expect(done.body.merge.moved).toMatchObject({ orders: 1, identifiers: 1 });
    const orders = await t.app.deps.db.selectFrom('orders').select(['id', 'account_id']).execute();
    expect(orders.filter((o) => o.account_id === a.accountId).map((o) => o.id).sort()).toEqual([orderA.id, orderB.id].sort());
    const account = await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', b.accountId).executeTakeFirstOrThrow();
    expect(account.status).toBe('closed');
    const closure = await t.app.deps.db.selectFrom('account_closures').selectAll().where('account_id', '=', b.accountId).executeTakeFirstOrThrow();
    expect(closure).toMatchObject({ reason: 'merged', merged_into: a.accountId });
    // B's session ended; B's email signs in to A now, as an alias.
    expect((await api(t, 'GET', '/api/v1/account', { token: b.token })).status).toBe(401);
    const aliases = await api(t, 'GET', '/api/v1/account/aliases', { token: a.token });
    expect(aliases.body.aliases).toMatchObject([{ kind: 'email', shown: 'b•••@e•••.com' }]);
    // Both sides told, both logs record it, and B's activity is kept on A marked as from B.
    expect((await messagesTo(t, emailA)).some((m) => m.template === 'merge_merged_in')).toBe(true);
    expect((await messagesTo(t, emailB)).some((m) => m.template === 'merge_merged_out')).toBe(true);
    const activity = (await api(t, 'GET', '/api/v1/activity?limit=100', { token: a.token })).body.activity as Array<{ type: string; from_merged_account: string | null }>;
    expect(activity.find((e) => e.type === 'signup.completed' && e.from_merged_account === 'b•••@e•••.com')).toBeDefined();
    expect(activity.find((e) => e.type === 'account.merged_in')).toMatchObject({ from_merged_account: null });
    const page = await t.app.fastify.inject({ method: 'GET', url: '/account/activity', headers: { authorization: `Bearer ${a.token}` } });
    expect(page.body).toContain('(from b•••@e•••.com)');
  });

  it('signing in with the alias and A’s password signs in to A', async () => {
    const { a, emailA, emailB } = await twoAccounts(t, 'alias');
    await confirm(t, a.token, await readyFlow(t, a.token, emailB));
    const signedIn = await signIn(t, emailB, STRONG_PASSWORD);
    const me = await api(t, 'GET', '/api/v1/account', { token: signedIn.body.session.token });
    // Messages and display still use A's own primary email, not the alias.
    expect(me.body.account.email).toBe(emailA);
  });

  it('B with a password and no second step is not proven by its password alone (merge needs the emailed code)', async () => {
    const { a, emailB } = await twoAccounts(t, 'pwonly');
    const flowId = await startMergeFlow(t, a.token, emailB);
    const password = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: a.token, body: { password: STRONG_PASSWORD } });
    expect(password.body.flow.state).toBe('email_code');
    const early = await confirm(t, a.token, flowId);
    expect([early.status, early.body.error.code]).toEqual([409, 'flow.wrong_step']);
    const wrong = await api(t, 'POST', `/api/v1/account/merges/${flowId}/email-code`, { token: a.token, body: { code: '000000' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'merge.proof_failed']);
    // A new code replaces the first (at most once a minute); the new one proves B.
    const first = await lastCodeTo(t, emailB);
    expect((await api(t, 'POST', `/api/v1/account/merges/${flowId}/email-code/resend`, { token: a.token, body: {} })).status).toBe(200);
    const again = await api(t, 'POST', `/api/v1/account/merges/${flowId}/email-code/resend`, { token: a.token, body: {} });
    expect([again.status, again.body.error.code]).toEqual([429, 'code.resend_too_soon']);
    const second = await lastCodeTo(t, emailB);
    if (first !== second) expect((await api(t, 'POST', `/api/v1/account/merges/${flowId}/email-code`, { token: a.token, body: { code: first } })).status).toBeGreaterThanOrEqual(400);
    const right = await api(t, 'POST', `/api/v1/account/merges/${flowId}/email-code`, { token: a.token, body: { code: second } });
    expect(right.body.flow.state).toBe('ready');
  });

  it('refuses B == A (merge.same_account), and a locked or closed B once its password is proven', async () => {
    const { a, b, emailA, emailB } = await twoAccounts(t, 'refuse');
    const same = await api(t, 'POST', '/api/v1/account/merges', { token: a.token, body: { identifier: emailA.toUpperCase() } });
    expect([same.status, same.body.error.code]).toEqual([409, 'merge.same_account']);
    await setStatus(t, b.accountId, 'locked');
    const flowId = await startMergeFlow(t, a.token, emailB);
    const locked = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: a.token, body: { password: STRONG_PASSWORD } });
    expect([locked.status, locked.body.error.code]).toEqual([409, 'merge.account_locked']);
    await setStatus(t, b.accountId, 'closed');
    const closed = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: a.token, body: { password: STRONG_PASSWORD } });
    expect([closed.status, closed.body.error.code]).toEqual([409, 'merge.account_closed']);
  });

  it('B locked after it was proven: the confirm refuses with merge.account_changed and nothing moves', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'late');
    const flowId = await readyFlow(t, a.token, emailB);
    await setStatus(t, b.accountId, 'locked');
    const res = await confirm(t, a.token, flowId);
    expect([res.status, res.body.error.code]).toEqual([409, 'merge.account_changed']);
    expect(await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', b.accountId).execute()).toHaveLength(1);
  });

  it('the flow is A’s session’s alone: another account, and another session of A, get 404 at every step', async () => {
    const { a, emailA, emailB } = await twoAccounts(t, 'owner');
    const flowId = await startMergeFlow(t, a.token, emailB);
    const stranger = await signUpFrom(t, { email: 'stranger@example.com' });
    const otherSession = (await signIn(t, emailA, STRONG_PASSWORD)).body.session.token as string;
    for (const token of [stranger.token, otherSession]) {
      const tries = [
        await api(t, 'GET', `/api/v1/account/merges/${flowId}`, { token }),
        await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token, body: { password: STRONG_PASSWORD } }),
        await confirm(t, token, flowId),
      ];
      expect(tries.map((r) => r.status)).toEqual([404, 404, 404]);
    }
    // And it still works for A's own session.
    expect((await proveByPasswordAndEmail(t, a.token, flowId, emailB)).body.flow.state).toBe('ready');
  });

  it('SECURITY.md changing sign-in details needs a recent sign-in: starting and confirming a merge need a recent step-up (403 auth.step_up_required)', async () => {
    const { a, emailB } = await twoAccounts(t, 'stepup');
    const flowId = await readyFlow(t, a.token, emailB);
    t.clock.advance(30 * MINUTE);
    const late = await confirm(t, a.token, flowId);
    expect(late.status).toBe(403);
    const start = await api(t, 'POST', '/api/v1/account/merges', { token: a.token, body: { identifier: emailB } });
    expect(start.status).toBe(403);
  });

  it('B without a password: an email code plus a phone code prove it (one code is not enough)', async () => {
    const { a } = await twoAccounts(t, 'nopw');
    const b = await signUpFrom(t, { email: 'nopw-b@example.com', phone: '+14155550199' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: b.token, body: { code: await lastCodeTo(t, '+14155550199') } });
    await t.app.deps.db.updateTable('accounts').set({ password_hash: null }).where('id', '=', b.accountId).execute();
    const flowId = await startMergeFlow(t, a.token, 'nopw-b@example.com');
    const asked = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes/request`, { token: a.token, body: {} });
    expect(asked.body.flow).toMatchObject({ state: 'codes', sms_code: true });
    const emailCode = await lastCodeTo(t, 'nopw-b@example.com');
    const half = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes`, { token: a.token, body: { email_code: emailCode } });
    expect(half.status).toBeGreaterThanOrEqual(400);
    const both = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes`, { token: a.token, body: { email_code: emailCode, sms_code: await lastCodeTo(t, '+14155550199') } });
    expect(both.body.flow.state).toBe('ready');
  });

  it('hostile input answers 4xx with a stable code, never 500', async () => {
    const { a } = await twoAccounts(t, 'hostile');
    const bodies = [{ identifier: 'x'.repeat(5000) }, { identifier: 42 }, { identifier: '\u202e@\u0000' }, { identifier: 'ok@example.com', extra: 1 }, {}];
    for (const body of bodies) {
      const res = await api(t, 'POST', '/api/v1/account/merges', { token: a.token, body });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error.code).toBe('string');
    }
    expect((await api(t, 'GET', '/api/v1/account/merges/not-a-flow', { token: a.token })).status).toBe(404);
    expect(await countRows(t, 'accounts')).toBe(2);
  });
});
