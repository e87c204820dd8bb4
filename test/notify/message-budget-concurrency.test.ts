import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type ListeningTestApp } from '../helpers/app.js';
import { secondInstance } from '../helpers/burst.js';
import { testEngine } from '../helpers/database.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * SMS pumping (toll fraud): one account sent 6,000 texts to arbitrary numbers in 13.7 s through phone add/change.
 * Budgets are reserved by one conditional upsert each, so 200 requests at once over real HTTP queue exactly the
 * account's budget — and on PostgreSQL the same holds with the requests split between two app instances on one
 * database (no counter lives in a process).
 */
const REQUESTS = 200;

describe('SMS pumping through phone add/change, at once over HTTP', () => {
  let t: ListeningTestApp;
  let second: ListeningTestApp | undefined;
  afterEach(async () => {
    await second?.close();
    second = undefined;
    await t.close();
  });

  it(`SECURITY.md "Every text message passes one budget": ${REQUESTS} concurrent phone changes by one account queue exactly SMS_BUDGET_ACCOUNT_HOUR (10) texts`, async () => {
    t = await createTestApp({}, { listen: true });
    const { token, accountId } = await signUpFrom(t, { email: 'pumper@example.com' });
    const origins = [t.baseUrl];
    if (testEngine === 'postgres') {
      // A second instance on the same database, as behind a load balancer.
      second = await secondInstance(t);
      origins.push(second.baseUrl);
    }

    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        // Arbitrary numbers, as a pumping attack uses: each a different destination, so only the account's budget binds.
        const phone = `+1${['212', '415', '646', '718'][i % 4]}5550${String(100 + Math.floor(i / 4)).padStart(3, '0')}`;
        const response = await fetch(`${origins[i % origins.length]}/api/v1/account/phone`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ phone }),
        });
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error?: { code: string } } };
      }),
    );

    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status !== 202 && r.status !== 429).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(REQUESTS - 10);
    expect(refused.every((r) => r.body.error?.code === 'throttled' && Number(r.retryAfter) > 0)).toBe(true);

    const db = t.app.deps.db;
    const texts = await db.selectFrom('outbox').select('id').where('account_id', '=', accountId).where('template', '=', 'phoneCodeSms').execute();
    expect(texts).toHaveLength(10);
    // Nothing half written: a refused request left no code behind either.
    const codes = await db.selectFrom('verifications').select('id').where('account_id', '=', accountId).where('purpose', '=', 'phone_confirm').execute();
    expect(codes).toHaveLength(10);
  });
});
