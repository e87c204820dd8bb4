import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, lastMessageTo, signIn, STRONG_PASSWORD, type TestApp, createTestApp } from '../helpers/app.js';
import { expectClientError } from '../helpers/fixtures.js';
import { insertOrder } from '../helpers/order-fixtures.js';
import { staffSession } from '../helpers/staff.js';
import { Browser } from '../helpers/browser.js';
import { EMAIL, PHONE, seedCustomer, support, verifyCaller, type Seeded } from './support-fixtures.js';

/** The remaining actions on a verified caller's account: resend a confirmation, cases, a lost contact. */
describe('support console: remaining actions', () => {
  let t: TestApp;
  let agent: { staffId: string; token: string };
  let ada: Seeded;
  beforeEach(async () => {
    t = await createTestApp();
    agent = await staffSession(t, { role: 'agent', name: 'Sam Reyes' });
    ada = await seedCustomer(t);
  });
  afterEach(() => t.close());

  const path = (suffix: string) => `/api/support/v1/customers/${ada.accountId}${suffix}`;
  const activity = async () => (await api(t, 'GET', '/api/v1/activity', { token: ada.token })).body.activity?.map((e: { description: string }) => e.description) ?? [];

  it('no window, no action: every new action answers 403 support.caller_not_verified', async () => {
    for (const [suffix, body] of [
      ['/confirmations/email/resend', {}],
      ['/confirmations/phone/resend', {}],
      ['/contacts/abc/lost', {}],
      ['/cases', { kind: 'dispute', order: ada.order.number, reason: 'other', details: 'x' }],
      ['/cases/abc/decision', { decision: 'resolved', resolution: 'ok' }],
    ] as const) {
      expectClientError(await support(t, agent.token, 'POST', path(suffix), body), 403, 'support.caller_not_verified');
    }
  });

  it('resend a verification: the pending phone confirmation code goes again to the number the customer asked to add, never one the agent types', async () => {
    await verifyCaller(t, agent.token, EMAIL);
    expectClientError(await support(t, agent.token, 'POST', path('/confirmations/email/resend'), {}), 409, 'support.nothing_to_confirm');
    // An unconfirmed phone on file (the customer typed it, never confirmed it).
    await t.app.deps.db.updateTable('identifiers').set({ verified_at: null }).where('account_id', '=', ada.accountId).where('kind', '=', 'phone').execute();
    const sent = await support(t, agent.token, 'POST', path('/confirmations/phone/resend'), {});
    expect(sent.status).toBe(200);
    expect(sent.body.sent_to).not.toContain('0147');
    expect((await lastMessageTo(t, PHONE))?.template).toBe('phoneCodeSms');
    // The body names a kind, nothing else: a destination is refused.
    expectClientError(await support(t, agent.token, 'POST', path('/confirmations/phone/resend'), { to: '+14155550199' }), 400, 'request.invalid');
    const again = await support(t, agent.token, 'POST', path('/confirmations/phone/resend'), {});
    expect([200, 429]).toContain(again.status);
    expect(await activity()).toContain('Support sent you a new phone confirmation code');
  });

  it('opens a dispute and a fraud report for the customer; the case records that support opened it; decides one, telling the customer', async () => {
    await verifyCaller(t, agent.token, EMAIL);
    const opened = await support(t, agent.token, 'POST', path('/cases'), { kind: 'dispute', order: ada.order.number, reason: 'other', details: 'Lamp arrived broken.' });
    expect(opened.status).toBe(201);
    const row = await t.app.deps.db.selectFrom('order_cases').select(['opened_by_staff', 'kind']).where('id', '=', opened.body.case.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ opened_by_staff: agent.staffId, kind: 'dispute' });
    expectClientError(await support(t, agent.token, 'POST', path('/cases'), { kind: 'dispute', order: ada.order.number, reason: 'other', details: 'again' }), 409, 'order.case_already_open');
    const decided = await support(t, agent.token, 'POST', path(`/cases/${opened.body.case.id}/decision`), { decision: 'resolved', resolution: 'We are sending a new lamp.' });
    expect(decided.status).toBe(204);
    expectClientError(await support(t, agent.token, 'POST', path(`/cases/${opened.body.case.id}/decision`), { decision: 'resolved', resolution: 'Twice.' }), 409, 'case.already_decided');
    const second = await insertOrder(t, ada.accountId, { placedAt: t.clock.now() - 3_600_000 });
    const fraud = await support(t, agent.token, 'POST', path('/cases'), { kind: 'fraud_report', order: second.number, details: 'Customer did not place this.' });
    expect(fraud.status).toBe(201);
    const view = await support(t, agent.token, 'GET', path(''));
    expect(view.body.customer.cases.map((c: { kind: string; status: string }) => `${c.kind}:${c.status}`).sort()).toEqual(['dispute:resolved', 'fraud_report:open']);
    const descriptions = await activity();
    expect(descriptions).toContain(`Support opened a problem report for order ${ada.order.number} for you`);
    expect(descriptions).toContain('Support decided your problem report');
  });

  it('hostile case input: another customer’s order or case is not found, bad kinds and decisions are 400', async () => {
    const bob = await seedCustomer(t, 'bob@example.com', '+14155550100');
    const bobCase = await t.app.deps.db.insertInto('order_cases').values({
      id: 'case-of-bob', order_id: bob.order.id, account_id: bob.accountId, kind: 'dispute', item_id: null, quantity: null, reason: 'other', details: 'x',
      status: 'open', resolution: null, refund_amount: null, created_at: 1, updated_at: 1, resolved_at: null, opened_by_staff: null,
    }).execute();
    expect(bobCase).toBeDefined();
    await verifyCaller(t, agent.token, EMAIL);
    expectClientError(await support(t, agent.token, 'POST', path('/cases'), { kind: 'dispute', order: bob.order.number, reason: 'other', details: 'x' }), 404, 'not_found');
    expectClientError(await support(t, agent.token, 'POST', path('/cases/case-of-bob/decision'), { decision: 'resolved', resolution: 'x' }), 404, 'not_found');
    expectClientError(await support(t, agent.token, 'POST', path('/cases'), { kind: 'refund', order: ada.order.number }), 400, 'request.invalid');
    expectClientError(await support(t, agent.token, 'POST', path('/cases'), { kind: 'dispute', order: ada.order.number, reason: 'nonsense', details: '' }), 400, 'request.invalid');
    const opened = await support(t, agent.token, 'POST', path('/cases'), { kind: 'dispute', order: ada.order.number, reason: 'other', details: 'x' });
    expectClientError(await support(t, agent.token, 'POST', path(`/cases/${opened.body.case.id}/decision`), { decision: 'open', resolution: 'x' }), 400, 'request.invalid');
    expect((await t.app.deps.db.selectFrom('order_cases').select('status').where('id', '=', 'case-of-bob').executeTakeFirstOrThrow()).status).toBe('open');
  });

  it('a lost phone is removed: it can no longer sign in or receive codes, the customer is emailed, and the last contact can’t be marked lost', async () => {
    const { confirmed } = await verifyCaller(t, agent.token, EMAIL);
    expect(confirmed.status).toBe(200);
    const view = await support(t, agent.token, 'GET', path(''));
    const phone = view.body.customer.contacts.find((c: { kind: string }) => c.kind === 'phone');
    const email = view.body.customer.contacts.find((c: { kind: string }) => c.kind === 'email');
    expect((await support(t, agent.token, 'POST', path(`/contacts/${phone.id}/lost`), {})).status).toBe(204);
    expect((await lastMessageTo(t, EMAIL))?.template).toBe('support_contact_lost');
    expect(await t.app.deps.db.selectFrom('identifiers').select('id').where('normalized', '=', PHONE).execute()).toEqual([]);
    expect((await signIn(t, PHONE, STRONG_PASSWORD)).status).not.toBe(201);
    expectClientError(await support(t, agent.token, 'POST', path(`/contacts/${phone.id}/lost`), {}), 404, 'not_found');
    expectClientError(await support(t, agent.token, 'POST', path(`/contacts/${email.id}/lost`), {}), 409, 'support.last_contact');
    expect((await signIn(t, EMAIL, STRONG_PASSWORD)).status).toBe(201);
    expect((await activity()).some((d: string) => d.startsWith('Support removed a phone number you lost'))).toBe(true);
  });

  it('a lost email: the customer is told by text at the phone that remains', async () => {
    await verifyCaller(t, agent.token, PHONE, 'phone');
    const view = await support(t, agent.token, 'GET', path(''));
    const email = view.body.customer.contacts.find((c: { kind: string }) => c.kind === 'email');
    expect((await support(t, agent.token, 'POST', path(`/contacts/${email.id}/lost`), {})).status).toBe(204);
    expect((await lastMessageTo(t, PHONE))?.template).toBe('supportContactLostSms');
    expect((await signIn(t, EMAIL, STRONG_PASSWORD)).status).not.toBe(201);
  });

  it('a flow someone else could finish: 50 concurrent "lost" marks of one contact remove it once and tell the customer once', async () => {
    await verifyCaller(t, agent.token, EMAIL);
    const view = await support(t, agent.token, 'GET', path(''));
    const phone = view.body.customer.contacts.find((c: { kind: string }) => c.kind === 'phone');
    const answers = await Promise.all(Array.from({ length: 50 }, () => support(t, agent.token, 'POST', path(`/contacts/${phone.id}/lost`), {})));
    expect(answers.filter((a) => a.status === 204)).toHaveLength(1);
    expect(answers.every((a) => a.status === 204 || a.status === 404 || a.status === 429)).toBe(true);
    expect(await t.app.deps.db.selectFrom('outbox').select('id').where('template', '=', 'support_contact_lost').execute()).toHaveLength(1);
    expect(await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'support.contact_lost').execute()).toHaveLength(1);
  });

  it('the same actions as forms on the customer page', async () => {
    await verifyCaller(t, agent.token, EMAIL);
    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', agent.token);
    const shown = await browser.get(`/support/customers/${ada.accountId}`);
    expect(shown.status).toBe(200);
    for (const id of ['kind', 'order', 'reason', 'details']) expect(shown.body).toContain(`<label for="${id}"`);
    expect(shown.body).toContain('Open a case for the customer');
    const opened = await browser.post(`/support/customers/${ada.accountId}/cases`, { kind: 'dispute', order: ada.order.number, reason: 'not_delivered', details: '' });
    expect(opened.status).toBe(303);
    const row = await t.app.deps.db.selectFrom('order_cases').select(['id', 'opened_by_staff']).executeTakeFirstOrThrow();
    expect(row.opened_by_staff).toBe(agent.staffId);
    const decided = await browser.post(`/support/customers/${ada.accountId}/decide`, { case: row.id, decision: 'refused', resolution: '' });
    expect(decided.status).toBe(400);
    expect((await browser.post(`/support/customers/${ada.accountId}/decide`, { case: row.id, decision: 'refused', resolution: 'It was delivered.' })).status).toBe(303);
    const phoneId = /name="contact" value="([^"]+)"/g;
    const ids = [...(await browser.get(`/support/customers/${ada.accountId}`)).body.matchAll(phoneId)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    expect((await browser.post(`/support/customers/${ada.accountId}/contact-lost`, { contact: ids[1]! })).status).toBe(303);
    const refused = await browser.post(`/support/customers/${ada.accountId}/contact-lost`, { contact: ids[0]! });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('supervised recovery');
  });

  it('two agents marking the email and the phone lost at the same time leave one contact (never none)', async () => {
    const kim = await staffSession(t, { role: 'agent', name: 'Kim Ito' });
    await verifyCaller(t, agent.token, EMAIL);
    await verifyCaller(t, kim.token, EMAIL, 'email', 'T-2');
    const view = await support(t, agent.token, 'GET', path(''));
    const ids = view.body.customer.contacts.map((c: { id: string }) => c.id);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => support(t, i % 2 ? kim.token : agent.token, 'POST', path(`/contacts/${ids[i % 2]}/lost`), {})),
    );
    expect(answers.filter((a) => a.status === 204)).toHaveLength(1);
    expect(answers.every((a) => [204, 404, 409].includes(a.status))).toBe(true);
    expect(await t.app.deps.db.selectFrom('identifiers').select('id').where('account_id', '=', ada.accountId).execute()).toHaveLength(1);
  });

  it('resend a verification: a pending phone change gets its code again at the new number, masked in the answer', async () => {
    await verifyCaller(t, agent.token, EMAIL);
    const { startPhoneConfirmation } = await import('../../src/settings/contact-changes.js');
    const { parsePhone } = await import('../../src/accounts/identifiers.js');
    const next = parsePhone('+14155550188', 'US') as Exclude<ReturnType<typeof parsePhone>, string>;
    await startPhoneConfirmation(t.app.deps, { accountId: ada.accountId, phone: next, info: { ip: '203.0.113.5', userAgent: 'test' } });
    t.clock.advance(2 * 60_000);
    const sent = await support(t, agent.token, 'POST', path('/confirmations/phone/resend'), {});
    expect(sent.status).toBe(200);
    expect(sent.body.sent_to).not.toContain('0188');
    const texts = await t.app.deps.db.selectFrom('outbox').select('id').where('recipient', '=', '+14155550188').execute();
    expect(texts).toHaveLength(2);
  });
});

