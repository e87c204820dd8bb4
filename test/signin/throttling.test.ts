import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { ACCOUNT_POLICY, HARD_LIMIT, recordFailure } from '../../src/platform/throttle.js';
import { MINUTE } from '../../src/platform/clock.js';
import { freshIp, setStatus, signinAtPassword, signUpFrom, submitPassword, throttleFailures } from '../helpers/fixtures.js';

/**
 * NIST §3.2.2 and Keycloak #31726: failures are counted per account and per source (IPv6 by /64), exactly under
 * concurrency, with growing waits; a success resets the account's count; a locked account gets no token.
 */
const WRONG = 'definitely not the password';

describe('sign-in throttling', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('Keycloak #31726: 200 parallel wrong passwords for one account are counted exactly', async () => {
    const { accountId } = await signUpFrom(t, { email: 'target@example.com' });
    // Separate flows and separate sources, so only the account's counter is contended.
    const flows = await Promise.all(Array.from({ length: 200 }, async () => {
      const ip = freshIp();
      return { ip, flowId: await signinAtPassword(t, 'target@example.com', ip) };
    }));
    const results = await Promise.all(flows.map(({ ip, flowId }) => submitPassword(t, flowId, WRONG, ip)));

    const rejected = results.filter((r) => r.status === 401).length;
    const throttled = results.filter((r) => r.status === 429).length;
    expect(rejected + throttled).toBe(200);
    // Every answered failure is in the count: no lost updates.
    expect(await throttleFailures(t, `password:account:${accountId}`)).toBe(rejected);
    // And only the allowance was *checked*: a password is verified only after its attempt is reserved
    // (one signin.failed row per verified wrong password), so the free failures plus the one that starts the wait.
    const checked = await t.app.deps.db.selectFrom('audit_events').select('id').where('account_id', '=', accountId).where('type', '=', 'signin.failed').execute();
    expect(checked).toHaveLength(rejected);
    expect(rejected).toBe(ACCOUNT_POLICY.freeFailures + 1);
    // 200 argon2 verifies queue behind the hash limiter (cores - 1 at a time): allow for a slow, shared machine.
  }, 180_000);

  it('Keycloak #31726: 200 concurrent failures recorded on one key count exactly 200', async () => {
    const key = 'password:account:concurrency-probe';
    await Promise.all(Array.from({ length: 200 }, () => recordFailure(t.app.deps.db, t.clock, key, ACCOUNT_POLICY)));
    expect(await throttleFailures(t, key)).toBe(200);
  });

  it('NIST §3.2.2: after the free failures an account is throttled (429 with Retry-After) and the wait grows', async () => {
    await signUpFrom(t, { email: 'target@example.com' });
    const flowId = await signinAtPassword(t, 'target@example.com');
    // Each try from a new address: this is the account's limit, not the source's.
    for (let i = 0; i < ACCOUNT_POLICY.freeFailures; i++) {
      expect((await submitPassword(t, flowId, WRONG, freshIp())).status).toBe(401);
    }
    // One failure past the free ones is still checked, and starts the first wait.
    expect((await submitPassword(t, flowId, WRONG, freshIp())).status).toBe(401);

    const first = await submitPassword(t, flowId, STRONG_PASSWORD, freshIp());
    expect(first.status).toBe(429);
    expect(first.body.error.code).toBe('throttled');
    expect(Number(first.headers['retry-after'])).toBe(60);

    t.clock.advance(MINUTE);
    expect((await submitPassword(t, flowId, WRONG, freshIp())).status).toBe(401);
    const second = await submitPassword(t, flowId, STRONG_PASSWORD, freshIp());
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBe(120);

    t.clock.advance(2 * MINUTE);
    expect((await submitPassword(t, flowId, WRONG, freshIp())).status).toBe(401);
    const third = await submitPassword(t, flowId, STRONG_PASSWORD, freshIp());
    expect(Number(third.headers['retry-after'])).toBe(240);
  });

  it('NIST §3.2.2: once the wait has passed the right password gets in, and a success resets the count', async () => {
    const { accountId } = await signUpFrom(t, { email: 'target@example.com' });
    const key = `password:account:${accountId}`;
    const flowId = await signinAtPassword(t, 'target@example.com');
    for (let i = 0; i <= ACCOUNT_POLICY.freeFailures; i++) await submitPassword(t, flowId, WRONG, freshIp());
    expect(await throttleFailures(t, key)).toBe(ACCOUNT_POLICY.freeFailures + 1);
    expect((await submitPassword(t, flowId, STRONG_PASSWORD, freshIp())).status).toBe(429);

    t.clock.advance(MINUTE);
    const success = await submitPassword(t, flowId, STRONG_PASSWORD, freshIp());
    expect(success.status).toBe(201);
    expect(await throttleFailures(t, key)).toBe(0);

    // A fresh count: the free failures are free again, the next one is still checked.
    const again = await signinAtPassword(t, 'target@example.com');
    for (let i = 0; i <= ACCOUNT_POLICY.freeFailures; i++) {
      expect((await submitPassword(t, again, WRONG, freshIp())).status).toBe(401);
    }
  });

  it(`NIST §3.2.2: never more than ${HARD_LIMIT} consecutive failures: past the limit even a passed wait does not reopen the factor`, async () => {
    const { accountId } = await signUpFrom(t, { email: 'target@example.com' });
    await t.app.deps.db
      .insertInto('throttles')
      .values({ key: `password:account:${accountId}`, failures: HARD_LIMIT, blocked_until: 0, updated_at: t.clock.now() })
      .execute();
    const flowId = await signinAtPassword(t, 'target@example.com');
    const res = await submitPassword(t, flowId, STRONG_PASSWORD, freshIp());
    expect(res.status).toBe(429);
    expect(res.body.session).toBeUndefined();
  });

  it('NIST §3.2.2: the per-source limit groups IPv6 addresses by /64', async () => {
    const sameA = '2001:db8:1:2::1';
    const sameB = '2001:db8:1:2:ffff:ffff:ffff:fffe';
    const otherNet = '2001:db8:1:3::1';
    await signUpFrom(t, { email: 'victim@example.com' });
    // Failures against many different (unknown) identifiers: only the source counter adds up.
    for (let i = 0; i < 21; i++) {
      const ip = i % 2 === 0 ? sameA : sameB;
      const flowId = await signinAtPassword(t, `guess${i}@example.com`, ip);
      expect((await submitPassword(t, flowId, WRONG, ip)).status).toBe(401);
    }
    expect(await throttleFailures(t, 'password:ip6:2001:db8:1:2::/64')).toBe(21);

    const fromSameNet = await submitPassword(t, await signinAtPassword(t, 'victim@example.com', sameB), STRONG_PASSWORD, sameB);
    expect(fromSameNet.status).toBe(429);
    expect(Number(fromSameNet.headers['retry-after'])).toBeGreaterThan(0);

    const fromOtherNet = await submitPassword(t, await signinAtPassword(t, 'victim@example.com', otherNet), STRONG_PASSWORD, otherNet);
    expect(fromOtherNet.status).toBe(201);
  });

  it('NIST §3.2.2: the per-source limit counts each IPv4 address on its own', async () => {
    for (let i = 0; i < 21; i++) {
      const flowId = await signinAtPassword(t, `guess${i}@example.com`, '192.0.2.7');
      await submitPassword(t, flowId, WRONG, '192.0.2.7');
    }
    expect((await submitPassword(t, await signinAtPassword(t, 'x@example.com', '192.0.2.7'), WRONG, '192.0.2.7')).status).toBe(429);
    expect((await submitPassword(t, await signinAtPassword(t, 'x@example.com', '192.0.2.8'), WRONG, '192.0.2.8')).status).toBe(401);
  });

  it('ASVS 6.3.4: step-up and password change share the sign-in throttle', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'target@example.com' });
    for (let i = 0; i < 3; i++) expect((await api(t, 'POST', '/api/v1/step-up', { token, body: { password: WRONG } })).status).toBe(401);
    for (let i = 0; i < 3; i++) {
      const res = await api(t, 'POST', '/api/v1/account/password', { token, body: { current_password: WRONG, new_password: 'amber otter kiln meadow' } });
      expect(res.status).toBe(400);
    }
    // One gate for every password guess: all six count on the account, and the seventh waits.
    expect(await throttleFailures(t, `password:account:${accountId}`)).toBe(6);
    const refused = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('throttled');
  });

  it('ASVS 6.3.4: a locked account gets no token, even with the right password', async () => {
    const { accountId } = await signUpFrom(t, { email: 'target@example.com' });
    await setStatus(t, accountId, 'locked');
    const sessionsBefore = await t.app.deps.db.selectFrom('sessions').select('id').where('account_id', '=', accountId).execute();
    const res = await submitPassword(t, await signinAtPassword(t, 'target@example.com'), STRONG_PASSWORD, freshIp());
    expect(res.status).toBe(401);
    expect(res.body.session).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    const sessionsAfter = await t.app.deps.db.selectFrom('sessions').select('id').where('account_id', '=', accountId).execute();
    expect(sessionsAfter).toHaveLength(sessionsBefore.length);

    await setStatus(t, accountId, 'closed');
    expect((await submitPassword(t, await signinAtPassword(t, 'target@example.com'), STRONG_PASSWORD, freshIp())).status).toBe(401);
  });
});
