import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, type ListeningTestApp } from '../helpers/app.js';
import { ACCOUNT_POLICY } from '../../src/platform/throttle.js';
import { countEvents, burstIp, TRUST_ONE_PROXY } from '../helpers/burst.js';
import { UNLIMITED_MESSAGE_BUDGETS } from '../helpers/fixtures.js';
import { readyFlow, startMergeFlow, twoAccounts } from './helpers.js';

/**
 * Races over real HTTP (the app listening, requests fired at once with fetch, each with A's bearer token): two
 * merges of the same accounts, A into B and B into A at once, and a burst of wrong passwords for B.
 */
const ENV = { ...TRUST_ONE_PROXY, ...UNLIMITED_MESSAGE_BUDGETS };

async function post(t: ListeningTestApp, path: string, token: string, body: unknown, ip: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': ip }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: res.status, code: json.error?.code };
}

describe('merges under concurrency', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(ENV, { listen: true });
  });
  afterEach(() => t.close());

  it('two merges of the same accounts at once: exactly one succeeds, the other answers 409 with a stable code', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'twice');
    const first = await readyFlow(t, a.token, emailB);
    const second = await readyFlow(t, a.token, emailB);
    const answers = await Promise.all([first, second, first].map((flowId, n) => post(t, `/api/v1/account/merges/${flowId}/confirm`, a.token, {}, burstIp(n))));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const loser of answers.filter((r) => r.status !== 200)) expect([409, loser.code && ['merge.account_changed', 'flow.wrong_step'].includes(loser.code)]).toEqual([loser.status, true]);
    expect(await t.app.deps.db.selectFrom('account_merges').select('id').execute()).toHaveLength(1);
    expect(await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', b.accountId).execute()).toHaveLength(0);
  });

  it('A into B and B into A at once: exactly one merge happens; the other is refused (409, or 401 once its own session ended)', async () => {
    const { a, b, emailA, emailB } = await twoAccounts(t, 'cross');
    const aIntoB = await readyFlow(t, b.token, emailA);
    const bIntoA = await readyFlow(t, a.token, emailB);
    const answers = await Promise.all([post(t, `/api/v1/account/merges/${bIntoA}/confirm`, a.token, {}, burstIp(1)), post(t, `/api/v1/account/merges/${aIntoB}/confirm`, b.token, {}, burstIp(2))]);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    const loser = answers.find((r) => r.status !== 200)!;
    expect(loser.status === 409 ? loser.code : loser.status).toBe(loser.status === 409 ? 'merge.account_changed' : 401);
    const merges = await t.app.deps.db.selectFrom('account_merges').selectAll().execute();
    expect(merges).toHaveLength(1);
    const statuses = await t.app.deps.db.selectFrom('accounts').select('status').where('id', 'in', [a.accountId, b.accountId]).execute();
    expect(statuses.map((s) => s.status).sort()).toEqual(['active', 'closed']);
  });

  it('SECURITY.md attempts are reserved: 200 concurrent wrong passwords for B check no more than B’s sign-in allowance', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'burst');
    const flowId = await startMergeFlow(t, a.token, emailB);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => post(t, `/api/v1/account/merges/${flowId}/password`, a.token, { password: 'not the password at all' }, burstIp(n))));
    expect(answers.filter((r) => r.status >= 500)).toEqual([]);
    const checked = await countEvents(t, 'signin.failed', { accountId: b.accountId, method: 'merge_password' });
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(ACCOUNT_POLICY.freeFailures + 1);
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(200 - (ACCOUNT_POLICY.freeFailures + 1));
    // They are B's sign-in failures: B's own sign-in is now throttled for strangers too.
    const signin = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    await api(t, 'POST', `/api/v1/signin/flows/${signin.body.flow.id}/identifier`, { body: { identifier: emailB } });
    const after = await api(t, 'POST', `/api/v1/signin/flows/${signin.body.flow.id}/password`, { body: { password: 'still wrong' }, ip: '192.0.2.77' });
    expect(after.status).toBe(429);
  }, 120_000);
});
