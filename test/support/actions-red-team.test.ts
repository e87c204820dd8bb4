import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, lastCodeTo, type ListeningTestApp } from '../helpers/app.js';
import { staffSession } from '../helpers/staff.js';
import { EMAIL, LAST4, seedCustomer, type Seeded } from './support-fixtures.js';

/**
 * The remaining actions, the fraud view and the staff-actions audit attacked over real HTTP (a listening server,
 * fetch). Every answer is kept and searched for the card's last four, the code the caller read and the customer's token.
 */
describe('support console red team: remaining actions and oversight', () => {
  let t: ListeningTestApp;
  let ada: Seeded;
  let agentToken: string;
  const answers: string[] = [];

  async function send(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'red-team/1.0', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  async function verify(token: string): Promise<string> {
    const found = await send(token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    const started = await send(token, 'POST', `/api/support/v1/customers/${ada.accountId}/checks`, { identifier_id: found.json.customers[0].contacts[0].id, ticket: 'T-7' });
    const code = await lastCodeTo(t, EMAIL);
    expect((await send(token, 'POST', `/api/support/v1/checks/${started.json.check.id}/confirm`, { code })).status).toBe(200);
    return code;
  }

  beforeEach(async () => {
    answers.length = 0;
    t = await createTestApp({}, { listen: true });
    ada = await seedCustomer(t);
    agentToken = (await staffSession(t, { role: 'agent' })).token;
  });
  afterEach(() => t.close());

  it('200 concurrent requests opening a dispute on one order: one case, the rest refused by the one-open-case rule or the hourly action limit, no 5xx', async () => {
    await verify(agentToken);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => send(agentToken, 'POST', `/api/support/v1/customers/${ada.accountId}/cases`, { kind: 'dispute', order: ada.order.number, reason: 'other', details: 'x' })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 || r.status === 409 || r.status === 429)).toBe(true);
    expect(results.filter((r) => r.status !== 429)).toHaveLength(60);
    expect(await t.app.deps.db.selectFrom('order_cases').select('id').execute()).toHaveLength(1);
    expect(await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'support.case_opened').execute()).toHaveLength(1);
  });

  it('a colleague without a window, and a customer token, can use none of the new actions even knowing every id', async () => {
    await verify(agentToken);
    const view = await send(agentToken, 'GET', `/api/support/v1/customers/${ada.accountId}`);
    const contactId = view.json.customer.contacts[0].id;
    const opened = await send(agentToken, 'POST', `/api/support/v1/customers/${ada.accountId}/cases`, { kind: 'fraud_report', order: ada.order.number, details: '' });
    const colleague = (await staffSession(t, { role: 'supervisor' })).token;
    const attempts: Array<[string, unknown]> = [
      [`/confirmations/email/resend`, {}],
      [`/contacts/${contactId}/lost`, {}],
      [`/cases`, { kind: 'dispute', order: ada.order.number, reason: 'other', details: 'x' }],
      [`/cases/${opened.json.case.id}/decision`, { decision: 'refused', resolution: 'no' }],
    ];
    for (const [suffix, body] of attempts) {
      expect((await send(colleague, 'POST', `/api/support/v1/customers/${ada.accountId}${suffix}`, body)).json.error.code).toBe('support.caller_not_verified');
      expect((await send(ada.token, 'POST', `/api/support/v1/customers/${ada.accountId}${suffix}`, body)).status).toBe(401);
    }
    expect((await send(ada.token, 'GET', '/api/support/v1/fraud')).status).toBe(401);
    expect((await send(ada.token, 'GET', '/api/support/v1/staff-actions')).status).toBe(401);
    expect((await t.app.deps.db.selectFrom('order_cases').select('status').executeTakeFirstOrThrow()).status).toBe('open');
  });

  it('no answer of the new routes contains the card’s last four, the code the caller read or the customer’s token', async () => {
    const code = await verify(agentToken);
    const admin = (await staffSession(t, { role: 'admin' })).token;
    await send(agentToken, 'POST', `/api/support/v1/customers/${ada.accountId}/cases`, { kind: 'fraud_report', order: ada.order.number, details: '' });
    await send(agentToken, 'POST', `/api/support/v1/customers/${ada.accountId}/confirmations/phone/resend`, {});
    await send(agentToken, 'GET', '/api/support/v1/fraud');
    await send(admin, 'GET', '/api/support/v1/staff-actions');
    await send(agentToken, 'GET', `/api/support/v1/customers/${ada.accountId}`);
    expect(answers.length).toBeGreaterThan(5);
    for (const text of answers) {
      expect(text).not.toContain(LAST4);
      expect(text).not.toContain(code);
      expect(text).not.toContain(ada.token);
    }
  });
});
