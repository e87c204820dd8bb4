import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, lastMessageTo, type TestApp } from '../helpers/app.js';
import { Browser, expectEveryInputLabelled } from '../helpers/browser.js';
import { cancelTokenFor, EMAIL, NEW_EMAIL, recoveryScene, startOne, waitAndSendLink, type RecoveryScene } from './recovery-helpers.js';

/** Supervised recovery in pages: start from the customer, approve as another supervisor, the two public links. */
describe('supervised recovery pages', () => {
  let t: TestApp;
  let s: RecoveryScene;
  const as = (token: string) => {
    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', token);
    return browser;
  };
  beforeEach(async () => {
    t = await createTestApp();
    s = await recoveryScene(t);
  });
  afterEach(() => t.close());

  it('an agent starts from the customer page; a supervisor who did not start it approves; no page has a wait field', async () => {
    const agent = as(s.agent.token);
    const customer = await agent.get(`/support/customers/${s.customer.accountId}`);
    expect(customer.body).toContain(`href="/support/customers/${s.customer.accountId}/recovery"`);
    const form = await agent.get(`/support/customers/${s.customer.accountId}/recovery`);
    expect(form.status).toBe(200);
    expectEveryInputLabelled(form.body);
    expect(form.body).not.toMatch(/name="wait/);
    const wrong = await agent.post(`/support/customers/${s.customer.accountId}/recovery`, { ticket: 'T-5', order_number: s.customer.order.number, order_amount: '1.00', postcode: '62704', new_email: NEW_EMAIL });
    expect(wrong.status).toBe(422);
    expect(wrong.body).not.toContain('42.50');
    const started = await agent.post(`/support/customers/${s.customer.accountId}/recovery`, { ticket: 'T-5', order_number: s.customer.order.number, order_amount: '42.50', postcode: '62704', new_email: NEW_EMAIL });
    expect(started.status).toBe(303);
    const own = await agent.get(started.location!);
    expect(own.body).toContain('Waiting for a supervisor');
    expect(own.body).not.toContain('/approve"');
    expect((await agent.post(`${started.location}/approve`, {})).status).toBe(403);

    const supervisor = as(s.supervisor.token);
    const list = await supervisor.get('/support/recoveries');
    expect(list.body).toContain(started.location!);
    const detail = await supervisor.get(started.location!);
    expect(detail.body).toContain('/approve"');
    expect(detail.body).not.toMatch(/name="wait/);
    const approved = await supervisor.post(`${started.location}/approve`, {});
    expect(approved.status).toBe(303);
    expect((await supervisor.get(started.location!)).body).toContain('data-state="waiting"');
    expect((await as(s.agent.token).get('/support/recoveries')).status).toBe(403);
  });

  it('a supervisor who started a recovery sees no approve button and cannot approve by posting', async () => {
    const id = await startOne(t, s, s.supervisor.token);
    const supervisor = as(s.supervisor.token);
    expect((await supervisor.get(`/support/recoveries/${id}`)).body).not.toContain('/approve"');
    expect((await supervisor.post(`/support/recoveries/${id}/approve`, {})).status).toBe(403);
  });

  it('the cancel link: opening it changes nothing, the button cancels once', async () => {
    const id = await startOne(t, s);
    const supervisor = as(s.supervisor.token);
    await supervisor.get(`/support/recoveries/${id}`);
    expect((await supervisor.post(`/support/recoveries/${id}/approve`, {})).status).toBe(303);
    const token = await cancelTokenFor(t, EMAIL);
    const owner = new Browser(t.app);
    const opened = await owner.get(`/support/recoveries/cancel?token=${encodeURIComponent(token)}`);
    expect(opened.status).toBe(200);
    expect((await t.app.deps.db.selectFrom('support_recoveries').select('state').executeTakeFirst())!.state).toBe('waiting');
    expect((await owner.post('/support/recoveries/cancel', { token })).status).toBe(200);
    expect((await t.app.deps.db.selectFrom('support_recoveries').select('state').executeTakeFirst())!.state).toBe('cancelled');
    expect((await owner.post('/support/recoveries/cancel', { token })).status).toBe(410);
  });

  it('the finish link: a form for the new address, a weak password refused, then done once', async () => {
    const id = await startOne(t, s);
    const supervisor = as(s.supervisor.token);
    await supervisor.get(`/support/recoveries/${id}`);
    expect((await supervisor.post(`/support/recoveries/${id}/approve`, {})).status).toBe(303);
    const token = await waitAndSendLink(t);
    expect((await lastMessageTo(t, NEW_EMAIL))!.template).toBe('supportRecoveryLink');
    const person = new Browser(t.app);
    const form = await person.get(`/support/recoveries/finish?token=${encodeURIComponent(token)}`);
    expect(form.body).toContain(NEW_EMAIL);
    expectEveryInputLabelled(form.body);
    expect((await person.post('/support/recoveries/finish', { token, password: 'short' })).status).toBe(400);
    expect((await person.post('/support/recoveries/finish', { token, password: 'copper meadow whistle brightly' })).status).toBe(200);
    expect((await person.get(`/support/recoveries/finish?token=${encodeURIComponent(token)}`)).status).toBe(410);
  });
});
