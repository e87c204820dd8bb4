import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, type TestApp } from '../helpers/app.js';
import { messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { startMergeFlow } from './helpers.js';

/**
 * The codes step of a merge ("That account has no password") must not tell what the named account is: unknown, one
 * with a password, a password-less one without a phone, or a password-less one with a verified phone.
 */
describe('merge codes step: the same answer whatever the other account is', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function passwordless(email: string, phone?: string) {
    const account = await signUpFrom(t, { email, ...(phone ? { phone } : {}) });
    if (phone) await api(t, 'POST', '/api/v1/account/phone/confirm', { token: account.token, body: { code: await lastCodeTo(t, phone) } });
    await t.app.deps.db.updateTable('accounts').set({ password_hash: null }).where('id', '=', account.accountId).execute();
    return account;
  }

  async function outboxRows(): Promise<number> {
    const row = await t.app.deps.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('SECURITY.md every public path does the same work for known and unknown identifiers, not only the same words: the codes step answers alike and queues alike for every target', async () => {
    const a = await signUpFrom(t, { email: 'asker@example.com' });
    await passwordless('withphone@example.com', '+14155550181');
    await passwordless('nophone@example.com');
    await signUpFrom(t, { email: 'haspassword@example.com' });
    const answers: unknown[] = [];
    const queued: number[] = [];
    for (const named of ['withphone@example.com', 'nophone@example.com', 'haspassword@example.com', 'nobody@example.com']) {
      const flowId = await startMergeFlow(t, a.token, named);
      const before = await outboxRows();
      const asked = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes/request`, { token: a.token, body: {} });
      queued.push((await outboxRows()) - before);
      const { id: _id, expires_at: _expires, other: _other, ...rest } = asked.body.flow;
      answers.push([asked.status, rest]);
    }
    // Same status and fields (a text-code field offered to all), and one email plus one text queued each time.
    expect(answers).toEqual(Array(4).fill([200, { state: 'codes', sms_code: true }]));
    expect(queued).toEqual([2, 2, 2, 2]);
    // Only the password-less account with a phone was really texted; the account with a password got no code.
    expect((await messagesTo(t, '+14155550181')).filter((m) => m.template.startsWith('merge')).length).toBe(1);
    expect((await messagesTo(t, 'haspassword@example.com')).filter((m) => m.template.startsWith('merge'))).toEqual([]);
  });

  it('a withheld code never proves anything: an unknown target and one with a password fail the codes step like a wrong code', async () => {
    const a = await signUpFrom(t, { email: 'asker2@example.com' });
    await signUpFrom(t, { email: 'haspw2@example.com' });
    for (const named of ['haspw2@example.com', 'nobody2@example.com']) {
      const flowId = await startMergeFlow(t, a.token, named);
      await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes/request`, { token: a.token, body: {} });
      const tried = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes`, { token: a.token, body: { email_code: '000000', sms_code: '000000' } });
      expect([tried.status, tried.body.error.code]).toEqual([401, 'merge.proof_failed']);
    }
  });

  it('a password-less target without a phone is proven by its email code alone, the text field left empty', async () => {
    const a = await signUpFrom(t, { email: 'asker3@example.com' });
    await passwordless('nophone3@example.com');
    const flowId = await startMergeFlow(t, a.token, 'nophone3@example.com');
    await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes/request`, { token: a.token, body: {} });
    const proven = await api(t, 'POST', `/api/v1/account/merges/${flowId}/codes`, { token: a.token, body: { email_code: await lastCodeTo(t, 'nophone3@example.com') } });
    expect(proven.body.flow.state).toBe('ready');
  });
});
