import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser } from '../helpers/browser.js';
import { expectClientError, signinAtPassword, submitPassword } from '../helpers/fixtures.js';
import { staffSession } from '../helpers/staff.js';
import { recordEvent } from '../../src/activity/audit.js';
import { EMAIL, LAST4, PHONE, seedCustomer, support, verifyCaller, type Seeded } from './support-fixtures.js';

/** The fraud view (fraud.view) and the staff-actions audit (staff.audit), as JSON and pages. */
describe('support console: fraud view and staff actions audit', () => {
  let t: TestApp;
  let agent: { staffId: string; token: string };
  let ada: Seeded;
  beforeEach(async () => {
    t = await createTestApp();
    agent = await staffSession(t, { role: 'agent', name: 'Sam Reyes' });
    ada = await seedCustomer(t);
  });
  afterEach(() => t.close());

  it('lists open fraud reports and disputes, accounts secured by "This wasn\'t me", and accounts under guessing — masked, linking to the customer', async () => {
    const bob = await seedCustomer(t, 'bob.target@example.com', '+14155550100');
    const carol = await seedCustomer(t, 'carol.secured@example.com', '+14155550111');
    await t.app.deps.db.insertInto('order_cases').values({
      id: 'case-fraud-1', order_id: ada.order.id, account_id: ada.accountId, kind: 'fraud_report', item_id: null, quantity: null, reason: 'not_recognised', details: '',
      status: 'open', resolution: null, refund_amount: null, created_at: t.clock.now(), updated_at: t.clock.now(), resolved_at: null, opened_by_staff: null,
    }).execute();
    await recordEvent(t.app.deps.db, t.clock, { accountId: carol.accountId, type: 'account.secured' });
    for (let i = 0; i < 3; i++) await submitPassword(t, await signinAtPassword(t, 'bob.target@example.com', '198.51.100.9'), 'wrong password guess');

    const view = await support(t, agent.token, 'GET', '/api/support/v1/fraud');
    expect(view.status).toBe(200);
    expect(view.body.cases).toEqual([expect.objectContaining({ id: 'case-fraud-1', kind: 'fraud_report', order: ada.order.number, opened_by_support: false, customer: expect.objectContaining({ id: ada.accountId, name: 'Ada' }) })]);
    expect(view.body.secured.map((s: { customer: { id: string } }) => s.customer.id)).toEqual([carol.accountId]);
    expect(view.body.guessing).toEqual([expect.objectContaining({ failures: 3, scopes: ['password'], customer: expect.objectContaining({ id: bob.accountId }) })]);
    const text = JSON.stringify(view.body);
    for (const secret of [EMAIL, PHONE, 'bob.target', 'carol.secured', '0147', LAST4, 'Lovelace']) expect(text).not.toContain(secret);

    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', agent.token);
    const page = await browser.get('/support/fraud');
    expect(page.status).toBe(200);
    for (const id of [ada.accountId, bob.accountId, carol.accountId]) expect(page.body).toContain(`href="/support/customers/${id}"`);
    for (const secret of [EMAIL, 'bob.target', LAST4]) expect(page.body).not.toContain(secret);
  });

  it('masked even for an agent holding a window on that customer', async () => {
    await verifyCaller(t, agent.token, EMAIL);
    await recordEvent(t.app.deps.db, t.clock, { accountId: ada.accountId, type: 'account.secured' });
    const view = await support(t, agent.token, 'GET', '/api/support/v1/fraud');
    expect(JSON.stringify(view.body)).not.toContain(EMAIL);
  });

  it('staff actions are for admins only (staff.audit); the fraud view for every role', async () => {
    const supervisor = await staffSession(t, { role: 'supervisor' });
    const admin = await staffSession(t, { role: 'admin' });
    for (const who of [agent, supervisor]) expectClientError(await support(t, who.token, 'GET', '/api/support/v1/staff-actions'), 403, 'support.forbidden');
    expect((await support(t, admin.token, 'GET', '/api/support/v1/staff-actions')).status).toBe(200);
    for (const who of [agent, supervisor, admin]) expect((await support(t, who.token, 'GET', '/api/support/v1/fraud')).status).toBe(200);
    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', agent.token);
    expect((await browser.get('/support/staff-actions')).status).toBe(403);
  });

  it('lists every support action with staff and ticket, per member of staff and overall, keyset-paginated', async () => {
    const other = await staffSession(t, { role: 'agent', name: 'Kim Ito' });
    const admin = await staffSession(t, { role: 'admin' });
    await verifyCaller(t, agent.token, EMAIL, 'email', 'T-1');
    await support(t, agent.token, 'GET', `/api/support/v1/customers/${ada.accountId}`);
    await support(t, agent.token, 'POST', `/api/support/v1/customers/${ada.accountId}/end-sessions`, {});
    t.clock.advance(1000);
    await verifyCaller(t, other.token, EMAIL, 'email', 'T-2');
    await support(t, other.token, 'POST', `/api/support/v1/customers/${ada.accountId}/notes`, { text: 'Called back.' });

    const all = await support(t, admin.token, 'GET', '/api/support/v1/staff-actions');
    expect(all.body.actions.map((a: { type: string }) => a.type)).toEqual(['support.note_added', 'support.caller_verified', 'support.sessions_ended', 'support.viewed', 'support.caller_verified']);
    expect(all.body.actions[0]).toMatchObject({ staff: { id: other.staffId, name: 'Kim Ito' }, ticket: 'T-2', customer_id: ada.accountId });
    expect(all.body.next).toBeNull();

    const mine = await support(t, admin.token, 'GET', `/api/support/v1/staff-actions?staff=${agent.staffId}`);
    expect(mine.body.actions.map((a: { type: string }) => a.type)).toEqual(['support.sessions_ended', 'support.viewed', 'support.caller_verified']);
    expect(mine.body.actions.every((a: { ticket: string }) => a.ticket === 'T-1')).toBe(true);

    const pages: string[] = [];
    let before: string | null = '';
    while (before !== null) {
      const page = await support(t, admin.token, 'GET', `/api/support/v1/staff-actions?limit=2${before ? `&before=${before}` : ''}`);
      pages.push(...page.body.actions.map((a: { id: string }) => a.id));
      before = page.body.next;
    }
    expect(pages).toEqual(all.body.actions.map((a: { id: string }) => a.id));

    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', admin.token);
    const page = await browser.get(`/support/staff-actions?staff=${other.staffId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Kim Ito');
    expect(page.body).toContain('T-2');
    expect(page.body).not.toContain('T-1<');
  });

  it('hostile paging and staff ids → 400 request.invalid, and a LIKE wildcard in the staff id matches nobody', async () => {
    const admin = await staffSession(t, { role: 'admin' });
    for (const q of ['before=%00', 'before=abc', `before=${'A'.repeat(300)}`, 'before=a&before=b', 'staff=%25', "staff=' OR 1=1 --", 'staff=a&staff=b']) {
      expectClientError(await support(t, admin.token, 'GET', `/api/support/v1/staff-actions?${q}`), 400, 'request.invalid');
    }
    await verifyCaller(t, agent.token, EMAIL);
    const wildcard = await support(t, admin.token, 'GET', `/api/support/v1/staff-actions?staff=${agent.staffId.slice(0, -1)}_`);
    expect(wildcard.status).toBe(200);
    expect(wildcard.body.actions).toEqual([]);
  });
});
