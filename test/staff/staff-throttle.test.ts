import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn, signUp, STRONG_PASSWORD, type ListeningTestApp } from '../helpers/app.js';
import { burst, burstIp, TRUST_ONE_PROXY } from '../helpers/burst.js';
import { setUpStaff } from '../helpers/staff.js';
import { ACCOUNT_POLICY } from '../../src/platform/throttle.js';

/**
 * SECURITY.md "An attempt is reserved before the secret is checked", for staff: 200 concurrent guesses over real
 * HTTP check at most the allowance, on counters of the staff scopes (a customer of the same email is unaffected).
 */
const BURST = 200;
const ALLOWANCE = ACCOUNT_POLICY.freeFailures + 1;

describe('staff sign-in throttling (a throttled staff guess is audited in the staff list, not the customers’)', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(TRUST_ONE_PROXY, { listen: true });
  });
  afterEach(() => t.close());

  async function checkedFailures(step: string): Promise<number> {
    const rows = await t.app.deps.db.selectFrom('staff_audit').select('detail').where('type', '=', 'staff.signin_failed').execute();
    return rows.filter((r) => JSON.parse(r.detail!).step === step).length;
  }

  it(`${BURST} concurrent wrong passwords for one staff email check at most ${ALLOWANCE}; the customer with that email still signs in`, async () => {
    await signUp(t, { email: 'shared@example.com' });
    await setUpStaff(t, { role: 'admin', email: 'shared@example.com' });
    const answers = await burst(Array.from({ length: BURST }, (_, n) => ({ server: t, path: '/api/support/v1/signin', body: { email: 'shared@example.com', password: 'definitely not the password' }, ip: burstIp(n) })));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const checked = await checkedFailures('password');
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(ALLOWANCE);
    expect(answers.filter((a) => a.status === 429 && a.code === 'throttled').length).toBeGreaterThanOrEqual(BURST - ALLOWANCE);
    // The staff counters are not the customer's.
    const customer = await signIn(t, 'shared@example.com', STRONG_PASSWORD, { ip: '192.0.2.77' });
    expect(customer.status).toBe(201);
    // Even the right staff password now waits.
    expect((await api(t, 'POST', '/api/support/v1/signin', { body: { email: 'shared@example.com', password: STRONG_PASSWORD }, ip: '192.0.2.78' })).status).toBe(429);
    await expectThrottlesOnlyInStaffAudit('password');
  }, 120_000);

  it(`${BURST} concurrent wrong authenticator codes on one ticket check at most ${ALLOWANCE}`, async () => {
    const member = await setUpStaff(t, { role: 'agent' });
    const ticket = (await api(t, 'POST', '/api/support/v1/signin', { body: { email: member.email, password: STRONG_PASSWORD } })).body.ticket as string;
    const answers = await burst(Array.from({ length: BURST }, (_, n) => ({ server: t, path: '/api/support/v1/signin/second-factor', body: { ticket, method: 'totp', code: '000000' }, ip: burstIp(n) })));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const checked = await checkedFailures('second_factor');
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(ALLOWANCE);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(BURST - ALLOWANCE);
    await expectThrottlesOnlyInStaffAudit('second_factor');
  }, 120_000);

  /** A throttled staff guess is a staff event: it is in the staff audit list, never in customers' audit_events. */
  async function expectThrottlesOnlyInStaffAudit(step: string): Promise<void> {
    const rows = await t.app.deps.db.selectFrom('staff_audit').select('detail').where('type', '=', 'staff.signin_throttled').execute();
    expect(rows.filter((r) => JSON.parse(r.detail!).step === step).length).toBeGreaterThan(0);
    const customers = await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'signin.throttled').execute();
    expect(customers).toEqual([]);
  }
});
