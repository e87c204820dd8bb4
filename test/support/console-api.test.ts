import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, type TestApp } from '../helpers/app.js';
import { expectClientError, UNLIMITED_MESSAGE_BUDGETS } from '../helpers/fixtures.js';
import { staffSession } from '../helpers/staff.js';
import { EMAIL, PHONE, seedCustomer, support, verifyCaller, type Seeded } from './support-fixtures.js';

/** Find and verify, view, act: the console's JSON API from an agent's side. */
describe('support console API', () => {
  let t: TestApp;
  let agent: { staffId: string; token: string };
  let ada: Seeded;
  beforeEach(async () => {
    t = await createTestApp();
    agent = await staffSession(t, { role: 'agent', name: 'Sam Reyes' });
    ada = await seedCustomer(t);
  });
  afterEach(() => t.close());

  it('finds a customer by email, by a phone in any format and by order number, masked until verified', async () => {
    for (const q of [EMAIL, 'ADA.Caller@Example.com', '(415) 555-0147', '+1 415 555 0147', '415.555.0147', ada.order.number]) {
      const res = await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.customers).toHaveLength(1);
      const [found] = res.body.customers;
      expect(found.id).toBe(ada.accountId);
      expect(found.name).toBe('Ada');
      expect(found.caller_verified).toBe(false);
      expect(found.contacts.map((c: { shown: string }) => c.shown)).toEqual(['a•••@e•••.com', '+1 •••• ••47']);
      expect(JSON.stringify(res.body)).not.toContain('ada.caller');
      expect(JSON.stringify(res.body)).not.toContain('0147');
    }
    const nobody = await support(t, agent.token, 'GET', '/api/support/v1/customers?q=nobody@example.com');
    expect(nobody.body.customers).toEqual([]);
  });

  it('hostile search input: empty, repeated, over-long, not an identifier → 400 request.invalid', async () => {
    for (const q of ['', '?q=a&q=b', `?q=${'a'.repeat(300)}@x.com`, '?q=%00', '?q=hello', "?q=' OR 1=1 --", '?q=12']) {
      const url = q.startsWith('?') ? `/api/support/v1/customers${q}` : '/api/support/v1/customers';
      expectClientError(await support(t, agent.token, 'GET', url), 400, 'request.invalid');
    }
  });

  it('verifies the caller with a code sent to a contact on file, then shows the customer unmasked with no card digits', async () => {
    const { customerId, confirmed } = await verifyCaller(t, agent.token, EMAIL);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.window.ticket).toBe('T-1001');
    const found = await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    expect(found.body.customers[0].caller_verified).toBe(true);
    expect(found.body.customers[0].contacts[0].shown).toBe(EMAIL);
    const view = await support(t, agent.token, 'GET', `/api/support/v1/customers/${customerId}`);
    expect(view.status).toBe(200);
    expect(view.body.customer.cards).toEqual([{ brand: 'visa', expiry: 'valid', is_default: false }]);
    expect(view.body.customer.orders[0]).toMatchObject({ number: ada.order.number, total: 4250 });
    expect(view.body.customer.sessions.length).toBeGreaterThan(0);
    expect(view.body.customer.activity.map((a: { description: string }) => a.description)).toContain('Support viewed your account');
  });

  it('a code by text message to the phone on file works the same', async () => {
    const { confirmed } = await verifyCaller(t, agent.token, PHONE, 'phone');
    expect(confirmed.status).toBe(200);
    const sms = await lastMessageTo(t, PHONE);
    expect(sms?.text_body).toContain('support code');
  });

  it('no window, no view or action: 403 support.caller_not_verified', async () => {
    for (const [method, path, body] of [
      ['GET', ''],
      ['POST', '/end-sessions', {}],
      ['POST', '/lock', {}],
      ['POST', '/unlock', {}],
      ['POST', '/notes', { text: 'hi' }],
    ] as const) {
      expectClientError(await support(t, agent.token, method, `/api/support/v1/customers/${ada.accountId}${path}`, body), 403, 'support.caller_not_verified');
    }
  });

  it('the window closes after 15 minutes', async () => {
    const { customerId } = await verifyCaller(t, agent.token, EMAIL);
    t.clock.advance(15 * 60_000);
    expectClientError(await support(t, agent.token, 'GET', `/api/support/v1/customers/${customerId}`), 403, 'support.caller_not_verified');
  });

  it('a ticket reference is required and sanitized', async () => {
    const found = await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    const contact = found.body.customers[0].contacts[0];
    for (const ticket of ['', '   ', 'T 1', '<script>', 'a\u202eb', 'x'.repeat(41), 'T-1\nX']) {
      expectClientError(await support(t, agent.token, 'POST', `/api/support/v1/customers/${ada.accountId}/checks`, { identifier_id: contact.id, ticket }), 400, 'request.invalid');
    }
  });

  it('wrong codes: five per code, the customer is emailed, and the attempt is audited', async () => {
    const found = await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    const contact = found.body.customers[0].contacts[0];
    const started = await support(t, agent.token, 'POST', `/api/support/v1/customers/${ada.accountId}/checks`, { identifier_id: contact.id, ticket: 'T-9' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await support(t, agent.token, 'POST', `/api/support/v1/checks/${started.body.check.id}/confirm`, { code: '000000' })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    const mail = await lastMessageTo(t, EMAIL);
    expect(mail?.template).toBe('support_failed_check');
    const failed = await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'support.caller_failed').execute();
    expect(failed.length).toBe(5);
  });

  it('the attempt gate: 200 concurrent guesses on one check reach at most five code checks', async () => {
    const found = await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    const contact = found.body.customers[0].contacts[0];
    const started = await support(t, agent.token, 'POST', `/api/support/v1/customers/${ada.accountId}/checks`, { identifier_id: contact.id, ticket: 'T-9' });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => support(t, agent.token, 'POST', `/api/support/v1/checks/${started.body.check.id}/confirm`, { code: String(100000 + i) })),
    );
    expect(answers.filter((a) => a.status === 400).length).toBeLessThanOrEqual(5);
    const row = await t.app.deps.db.selectFrom('verifications').select('attempts').where('flow_id', '=', started.body.check.id).executeTakeFirstOrThrow();
    expect(row.attempts).toBeLessThanOrEqual(5);
  });

  it('a flow someone else could finish: 50 concurrent confirmations of the right code open one window and count no failure', async () => {
    const found = await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    const contact = found.body.customers[0].contacts[0];
    const started = await support(t, agent.token, 'POST', `/api/support/v1/customers/${ada.accountId}/checks`, { identifier_id: contact.id, ticket: 'T-5' });
    const { lastCodeTo } = await import('../helpers/app.js');
    const code = await lastCodeTo(t, EMAIL);
    const answers = await Promise.all(Array.from({ length: 50 }, () => support(t, agent.token, 'POST', `/api/support/v1/checks/${started.body.check.id}/confirm`, { code })));
    expect(answers.filter((a) => a.status === 200).length).toBe(1);
    expect(answers.every((a) => a.status !== 400 && a.status < 500)).toBe(true);
    expect(await t.app.deps.db.selectFrom('support_windows').select('id').execute()).toHaveLength(1);
    expect(await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'support.caller_failed').execute()).toHaveLength(0);
  });

  it('a second signal answers match or no match only', async () => {
    const { checkId } = await verifyCaller(t, agent.token, EMAIL);
    const signal = (kind: string, value: string) => support(t, agent.token, 'POST', `/api/support/v1/checks/${checkId}/second-signal`, { kind, value });
    expect((await signal('postcode', '62704')).body).toEqual({ match: true });
    expect((await signal('postcode', '99999')).body).toEqual({ match: false });
    expect((await signal('order_amount', '42.50')).body).toEqual({ match: true });
    expect((await signal('order_amount', '$42.51')).body).toEqual({ match: false });
    expectClientError(await signal('order_amount', 'lots'), 400, 'request.invalid');
  });

  it('search volume: 60 an hour per agent, counted exactly under 100 concurrent searches, with an alert', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`)));
    expect(answers.filter((a) => a.status === 200).length).toBe(60);
    expect(answers.filter((a) => a.status === 429).every((a) => a.body.error.code === 'support.search_limit')).toBe(true);
    const alerts = await t.app.deps.db.selectFrom('audit_events').select('detail').where('type', '=', 'support.volume_alert').execute();
    expect(alerts.map((a) => JSON.parse(a.detail)).filter((d) => d.use === 'search').map((d) => d.level).sort()).toEqual(['limit', 'unusual']);
    const other = await staffSession(t, { role: 'agent' });
    expect((await support(t, other.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`)).status).toBe(200);
    // An hour later the agent may search again (their session kept alive meanwhile: it ends after 30 idle minutes).
    for (let step = 0; step < 3; step++) {
      t.clock.advance(20 * 60_000);
      await support(t, agent.token, 'GET', '/api/support/v1/me');
    }
    expect((await support(t, agent.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`)).status).toBe(200);
  });

  it('end sessions: the customer is signed out everywhere, emailed, and sees it in Login activity', async () => {
    const { customerId } = await verifyCaller(t, agent.token, EMAIL);
    expect((await api(t, 'GET', '/api/v1/session', { token: ada.token })).status).toBe(200);
    const ended = await support(t, agent.token, 'POST', `/api/support/v1/customers/${customerId}/end-sessions`, {});
    expect(ended.body.ended_sessions).toBe(1);
    expect((await api(t, 'GET', '/api/v1/session', { token: ada.token })).status).toBe(401);
    expect((await lastMessageTo(t, EMAIL))?.template).toBe('support_sessions_ended');
    const event = await t.app.deps.db.selectFrom('audit_events').select('detail').where('type', '=', 'support.sessions_ended').executeTakeFirstOrThrow();
    expect(JSON.parse(event.detail)).toMatchObject({ staff: agent.staffId, ticket: 'T-1001' });
  });

  it('lock refuses the very next request with the customer’s session and new sign-ins; unlock lets them sign in again', async () => {
    const { customerId } = await verifyCaller(t, agent.token, EMAIL);
    expect((await support(t, agent.token, 'POST', `/api/support/v1/customers/${customerId}/lock`, {})).status).toBe(204);
    expect((await api(t, 'GET', '/api/v1/session', { token: ada.token })).status).toBe(401);
    expect((await lastMessageTo(t, EMAIL))?.template).toBe('support_account_locked');
    expectClientError(await support(t, agent.token, 'POST', `/api/support/v1/customers/${customerId}/lock`, {}), 409, 'support.already_locked');
    const { signIn, STRONG_PASSWORD } = await import('../helpers/app.js');
    expect((await signIn(t, EMAIL, STRONG_PASSWORD)).status).toBe(401);
    expect((await support(t, agent.token, 'POST', `/api/support/v1/customers/${customerId}/unlock`, {})).status).toBe(204);
    expect((await signIn(t, EMAIL, STRONG_PASSWORD)).status).toBe(201);
  });

  it('notes are kept under the window’s ticket; hostile notes are refused', async () => {
    const { customerId } = await verifyCaller(t, agent.token, EMAIL);
    expect((await support(t, agent.token, 'POST', `/api/support/v1/customers/${customerId}/notes`, { text: 'Caller asked about the lamp.' })).status).toBe(204);
    for (const text of ['', ' ', 'a\u0000b', 'x'.repeat(2001)]) {
      expectClientError(await support(t, agent.token, 'POST', `/api/support/v1/customers/${customerId}/notes`, { text }), 400, 'request.invalid');
    }
    const view = await support(t, agent.token, 'GET', `/api/support/v1/customers/${customerId}`);
    expect(view.body.customer.notes).toEqual([expect.objectContaining({ by: 'Sam Reyes', ticket: 'T-1001', text: 'Caller asked about the lamp.' })]);
  });

  it('loops that cost the store: 200 concurrent caller checks by one agent send at most 20 codes an hour', async () => {
    const unlimited = await createTestApp(UNLIMITED_MESSAGE_BUDGETS);
    try {
      const someone = await staffSession(unlimited, { role: 'agent' });
      const victim = await seedCustomer(unlimited);
      const found = await support(unlimited, someone.token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
      const contact = found.body.customers[0].contacts[0];
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => support(unlimited, someone.token, 'POST', `/api/support/v1/customers/${victim.accountId}/checks`, { identifier_id: contact.id, ticket: 'T-1' })),
      );
      expect(answers.filter((a) => a.status === 201).length).toBe(20);
      expect(answers.filter((a) => a.status === 429).every((a) => a.body.error.code === 'support.check_limit')).toBe(true);
      const sent = await unlimited.app.deps.db.selectFrom('outbox').select('id').where('template', '=', 'supportCallerCode').execute();
      expect(sent.length).toBe(20);
    } finally {
      await unlimited.close();
    }
  });
});
