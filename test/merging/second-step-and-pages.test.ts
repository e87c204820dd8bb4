import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';
import { staffSession } from '../helpers/staff.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { MINUTE } from '../../src/platform/clock.js';
import { confirm, openWindow, readyFlow, startMergeFlow, twoAccounts } from './helpers.js';

/** B's own second step as part of the proof; the aliases on Login & Security; merges on support's customer page. */
describe('merging: second steps, aliases on the pages, support view', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function withAuthenticator(token: string): Promise<{ key: string; backup: string[] }> {
    const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
    const codes = await api(t, 'POST', '/api/v1/two-step/backup-codes', { token, body: {} });
    return { key: begun.body.key as string, backup: codes.body.codes as string[] };
  }

  it('B with an authenticator: its password, then its authenticator code (a wrong one is refused); no email code is asked', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'totp');
    const { key } = await withAuthenticator(b.token);
    t.clock.advance(MINUTE);
    const flowId = await startMergeFlow(t, a.token, emailB);
    const password = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: a.token, body: { password: STRONG_PASSWORD } });
    expect(password.body.flow).toMatchObject({ state: 'second_factor', methods: ['totp', 'backup_code'] });
    const wrong = await api(t, 'POST', `/api/v1/account/merges/${flowId}/second-factor`, { token: a.token, body: { method: 'totp', code: '000000' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'merge.proof_failed']);
    const unknown = await api(t, 'POST', `/api/v1/account/merges/${flowId}/second-factor`, { token: a.token, body: { method: 'sms', code: '123456' } });
    expect(unknown.body.error.code).toBe('merge.method_unavailable');
    const right = await api(t, 'POST', `/api/v1/account/merges/${flowId}/second-factor`, { token: a.token, body: { method: 'totp', code: totpCodeAt(key, t.clock.now()) } });
    expect(right.body.flow.state).toBe('ready');
    expect((await confirm(t, a.token, flowId)).status).toBe(200);
    // B's factors did not move.
    const factors = await t.app.deps.db.selectFrom('factors').select('account_id').execute();
    expect(factors.every((f) => f.account_id === b.accountId)).toBe(true);
  });

  it('B with backup codes: a backup code is its second step', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'backup');
    const { backup } = await withAuthenticator(b.token);
    const flowId = await startMergeFlow(t, a.token, emailB);
    await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: a.token, body: { password: STRONG_PASSWORD } });
    const used = await api(t, 'POST', `/api/v1/account/merges/${flowId}/second-factor`, { token: a.token, body: { method: 'backup_code', code: backup[0] } });
    expect(used.body.flow.state).toBe('ready');
  });

  it('B with text-message two-step: its password, then a code texted to B’s own phone for this flow', async () => {
    const { a } = await twoAccounts(t, 'sms');
    const b = await signUpFrom(t, { email: 'sms-b@example.com', phone: '+14155550123' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: b.token, body: { code: await lastCodeTo(t, '+14155550123') } });
    expect((await api(t, 'POST', '/api/v1/two-step/sms', { token: b.token, body: {} })).status).toBe(204);
    const flowId = await startMergeFlow(t, a.token, 'sms-b@example.com');
    const password = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: a.token, body: { password: STRONG_PASSWORD } });
    expect(password.body.flow).toMatchObject({ state: 'second_factor', methods: ['sms'] });
    expect((await api(t, 'POST', `/api/v1/account/merges/${flowId}/second-factor/sms`, { token: a.token, body: {} })).body).toEqual({ sent: true });
    const done = await api(t, 'POST', `/api/v1/account/merges/${flowId}/second-factor`, { token: a.token, body: { method: 'sms', code: await lastCodeTo(t, '+14155550123') } });
    expect(done.body.flow.state).toBe('ready');
  });

  it('B’s phone becomes an alias; A’s own phone stays A’s number, and removing A’s number keeps the alias', async () => {
    const a = await signUpFrom(t, { email: 'phone-a@example.com', phone: '+14155550101' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: a.token, body: { code: await lastCodeTo(t, '+14155550101') } });
    const b = await signUpFrom(t, { email: 'phone-b@example.com', phone: '+14155550102' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: b.token, body: { code: await lastCodeTo(t, '+14155550102') } });
    await confirm(t, a.token, await readyFlow(t, a.token, 'phone-b@example.com'));
    const me = await api(t, 'GET', '/api/v1/account', { token: a.token });
    expect(me.body.account).toMatchObject({ email: 'phone-a@example.com', phone: '+1 415 555 0101' });
    expect((await api(t, 'DELETE', '/api/v1/account/phone', { token: a.token })).status).toBe(204);
    const aliases = await api(t, 'GET', '/api/v1/account/aliases', { token: a.token });
    expect(aliases.body.aliases.map((x: { kind: string }) => x.kind).sort()).toEqual(['email', 'phone']);
  });

  it('Login & Security lists the alias with Remove; removing it from the page needs a recent password confirmation', async () => {
    const { a, emailB } = await twoAccounts(t, 'page');
    await confirm(t, a.token, await readyFlow(t, a.token, emailB));
    const page = await t.app.fastify.inject({ method: 'GET', url: '/account/security', headers: { authorization: `Bearer ${a.token}` } });
    expect(page.body).toContain('Also signs you in');
    expect(page.body).toContain('b•••@e•••.com');
    expect(page.body).toContain('From a merged account');
    t.clock.advance(30 * MINUTE);
    const [alias] = (await api(t, 'GET', '/api/v1/account/aliases', { token: a.token })).body.aliases;
    const late = await api(t, 'DELETE', `/api/v1/account/aliases/${alias.id}`, { token: a.token });
    expect([late.status, late.body.error.code]).toEqual([403, 'auth.step_up_required']);
  });

  it('the support console’s customer page shows the merge in on A and out on B', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'console');
    await confirm(t, a.token, await readyFlow(t, a.token, emailB));
    const supervisor = await staffSession(t, { role: 'supervisor' });
    await openWindow(t, supervisor.staffId, a.accountId);
    await openWindow(t, supervisor.staffId, b.accountId);
    const onA = await t.app.fastify.inject({ method: 'GET', url: `/support/customers/${a.accountId}`, headers: { authorization: `Bearer ${supervisor.token}` } });
    expect(onA.body).toContain('Merged in from b•••@e•••.com');
    expect(onA.body).toContain('Undo this merge');
    const onB = await t.app.fastify.inject({ method: 'GET', url: `/support/customers/${b.accountId}`, headers: { authorization: `Bearer ${supervisor.token}` } });
    expect(onB.body).toContain('Merged into');
    expect(onB.body).not.toContain('Undo this merge');
  });
});
