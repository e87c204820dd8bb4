import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, lastCodeTo, STRONG_PASSWORD, type ListeningTestApp } from '../helpers/app.js';
import { UNLIMITED_MESSAGE_BUDGETS } from '../helpers/fixtures.js';

/**
 * SECURITY.md Recovery (pre-hijacking) under load, through a listening server and real HTTP: a sign-up's
 * password is checked no more often than its code's attempts allow, and of many sign-ups for one address at
 * once, exactly one stays pending.
 */
const VICTIM = 'victim@example.com';
const AT_ONCE = 200;

describe('sign-up binding under 200 concurrent requests', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    // Each request names its own network, as many clients behind one proxy would.
    // Budgets would refuse most of a burst to one address; this test is about what stays pending.
    t = await createTestApp({ TRUST_PROXY: '1', ...UNLIMITED_MESSAGE_BUDGETS }, { listen: true });
  });
  afterEach(() => t.close());

  const post = (path: string, body: unknown, n: number) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}` },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { error?: { code: string } } }));

  it('SECURITY.md Recovery: 200 concurrent guesses of a sign-up’s password with the right code — at most 5 are checked, none succeeds', async () => {
    const started = await post('/api/v1/signup', { name: 'Mallory', email: VICTIM, password: STRONG_PASSWORD }, 0);
    expect(started.status).toBe(202);
    const flowId = (started.body as unknown as { flow: { id: string } }).flow.id;
    const code = await lastCodeTo(t, VICTIM);

    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, (_, i) => post(`/api/v1/signup/${flowId}/confirm`, { code, password: `not the password ${i} at all` }, i + 1)),
    );
    const checked = answers.filter((a) => a.body.error?.code === 'signup.password_incorrect').length;
    const refused = answers.filter((a) => a.status === 429).length;
    expect(checked).toBe(5);
    expect(refused).toBe(AT_ONCE - 5);
    expect(answers.some((a) => a.status >= 500 || a.status === 201)).toBe(false);
    expect(await t.app.deps.db.selectFrom('accounts').select('id').execute()).toHaveLength(0);
  });

  it('SECURITY.md Recovery: of 200 concurrent sign-ups for one address, exactly one stays pending', async () => {
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, (_, i) => post('/api/v1/signup', { name: 'Someone', email: VICTIM, password: STRONG_PASSWORD }, i + 1)),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const live = await t.app.deps.db
      .selectFrom('verifications')
      .select('id')
      .where('purpose', '=', 'signup_email')
      .where('target', '=', VICTIM)
      .where('consumed_at', 'is', null)
      .execute();
    expect(live).toHaveLength(1);
  }, 120_000);
});
