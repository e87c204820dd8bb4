import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';
import { confirm, readyFlow, startMergeFlow, twoAccounts } from './helpers.js';

/**
 * Sudhodanan & Paverd 2022, "Pre-hijacked accounts", one test per attack that applies to merging. The attacker
 * plants something on an account (or a stand-in account) before the victim uses it, and a weak merge would carry it
 * over or let it prove the account.
 */
describe('pre-hijacking attacks against merging (Sudhodanan & Paverd 2022)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('classic-federated merge: a matching email alone never merges — naming B proves nothing, and nothing moves without B’s full sign-in', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'classic');
    const flowId = await startMergeFlow(t, a.token, emailB);
    const skipped = await confirm(t, a.token, flowId);
    expect([skipped.status, skipped.body.error.code]).toEqual([409, 'flow.wrong_step']);
    // Codes asked for a B that has a password: nothing is sent, and no code proves it.
    const asked = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes/request`, { token: a.token, body: {} });
    expect(asked.body.flow.state).toBe('codes');
    const guessed = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes`, { token: a.token, body: { email_code: '123456' } });
    expect(guessed.body.error.code).toBe('merge.proof_failed');
    expect(await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', b.accountId).execute()).toHaveLength(1);
  });

  it('unexpired session (SECURITY.md disabling an account kills all its sessions): every session of B ends at the merge, so an attacker’s session on B reaches nothing', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'session');
    const attackerSession = b.token;
    await confirm(t, a.token, await readyFlow(t, a.token, emailB));
    expect((await api(t, 'GET', '/api/v1/account', { token: attackerSession })).status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/orders', { token: attackerSession })).status).toBe(401);
    const live = await t.app.deps.db.selectFrom('sessions').select('id').where('account_id', '=', b.accountId).where('ended_at', 'is', null).execute();
    expect(live).toEqual([]);
  });

  it('trojan identifier: an unverified identifier can never be what proves or names B', async () => {
    const { a } = await twoAccounts(t, 'trojan');
    // The attacker's account carries the victim's address unverified (a pending claim).
    const attacker = await signUpFrom(t, { email: 'attacker@example.com' });
    await t.app.deps.db.insertInto('identifiers').values({ id: 'trojan0000000000000000', account_id: attacker.accountId, kind: 'email', value: 'victim@example.com', normalized: 'victim@example.com', is_primary: 0, verified_at: null, created_at: t.clock.now() }).execute();
    const flowId = await startMergeFlow(t, a.token, 'victim@example.com');
    const tried = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: a.token, body: { password: STRONG_PASSWORD } });
    expect([tried.status, tried.body.error.code]).toEqual([401, 'merge.proof_failed']);
    // And a merge moves only verified identifiers: an unverified claim on B stays with B and closes with it.
    const { a: a2, b: b2, emailB } = await twoAccounts(t, 'trojan2');
    await t.app.deps.db.insertInto('identifiers').values({ id: 'trojan1111111111111111', account_id: b2.accountId, kind: 'email', value: 'planted@example.com', normalized: 'planted@example.com', is_primary: 0, verified_at: null, created_at: t.clock.now() }).execute();
    await confirm(t, a2.token, await readyFlow(t, a2.token, emailB));
    const planted = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'planted@example.com').executeTakeFirstOrThrow();
    expect(planted.account_id).toBe(b2.accountId);
  });

  it('unexpired email change: a change pending on B is voided at the merge and cannot land on A', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'change');
    await api(t, 'POST', '/api/v1/account/email', { token: b.token, body: { email: 'attacker-new@example.com' } });
    const code = await lastCodeTo(t, 'attacker-new@example.com');
    await confirm(t, a.token, await readyFlow(t, a.token, emailB));
    const pending = await t.app.deps.db.selectFrom('verifications').select('id').where('account_id', '=', b.accountId).where('consumed_at', 'is', null).execute();
    expect(pending).toEqual([]);
    const late = await api(t, 'POST', '/api/v1/account/email/confirm', { token: b.token, body: { code } });
    expect(late.status).toBe(401);
    expect(await t.app.deps.db.selectFrom('identifiers').select('id').where('normalized', '=', 'attacker-new@example.com').where('verified_at', 'is not', null).execute()).toEqual([]);
  });

  // Non-verifying IdP: does not apply. Merging never accepts a federated identity (an identity provider's assertion
  // about an email) as proof of B: B is proven only by its own password, its own second step, or codes sent to
  // identifiers B itself verified. Custos is the identity provider for partner sites, never a relying party here.
});
