import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, lastCodeTo, type ListeningTestApp } from '../helpers/app.js';
import { staffSession } from '../helpers/staff.js';
import { EMAIL, LAST4, PHONE, seedCustomer, type Seeded } from './support-fixtures.js';

/**
 * The console attacked over real HTTP (a listening server, fetch): SECURITY.md "Recovery" and "Access control
 * and data". Every answer the console gives is kept and searched for what must never leave it.
 */
interface Answer {
  status: number;
  text: string;
  json: any;
  location: string | null;
}

class Client {
  private readonly cookies = new Map<string, string>();
  private csrf = '';
  readonly answers: string[] = [];

  constructor(
    private readonly t: ListeningTestApp,
    private readonly bearer?: string,
    cookie?: [string, string],
  ) {
    if (cookie) this.cookies.set(cookie[0], cookie[1]);
  }

  async send(method: 'GET' | 'POST', path: string, body?: unknown, form?: Record<string, string>): Promise<Answer> {
    const headers: Record<string, string> = { 'user-agent': 'red-team/1.0' };
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    } else if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    }
    const response = await fetch(`${this.t.baseUrl}${path}`, { method, headers, body: payload, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const text = await response.text();
    this.answers.push(text, JSON.stringify([...response.headers]));
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, text, json, location: response.headers.get('location') };
  }
}

describe('support console red team', () => {
  let t: ListeningTestApp;
  let ada: Seeded;
  let agent: Client;
  let agentToken: string;
  beforeEach(async () => {
    t = await createTestApp({}, { listen: true });
    ada = await seedCustomer(t);
    agentToken = (await staffSession(t, { role: 'agent', name: 'Sam Reyes' })).token;
    agent = new Client(t, agentToken);
  });
  afterEach(() => t.close());

  async function contactsOf(client: Client, q: string) {
    const found = await client.send('GET', `/api/support/v1/customers?q=${encodeURIComponent(q)}`);
    return found.json.customers[0] as { id: string; contacts: Array<{ id: string; kind: string; shown: string }> };
  }

  async function verify(client: Client): Promise<{ checkId: string; code: string }> {
    const customer = await contactsOf(client, EMAIL);
    const started = await client.send('POST', `/api/support/v1/customers/${customer.id}/checks`, { identifier_id: customer.contacts[0]!.id, ticket: 'T-42' });
    expect(started.status).toBe(201);
    const code = await lastCodeTo(t, EMAIL);
    expect((await client.send('POST', `/api/support/v1/checks/${started.json.check.id}/confirm`, { code })).status).toBe(200);
    return { checkId: started.json.check.id, code };
  }

  async function outboxRecipients(): Promise<string[]> {
    return (await t.app.deps.db.selectFrom('outbox').select('recipient').execute()).map((r) => r.recipient);
  }

  it('Recovery: an agent cannot verify a caller by a number the caller gives (no route takes a destination)', async () => {
    const doc = await (await fetch(`${t.baseUrl}/api/openapi.json`)).json();
    // The routes that act on customers (staff sign-in and staff management name staff, not customers' contacts).
    const supportPaths = Object.entries(doc.paths as Record<string, Record<string, any>>).filter(([path]) => /^\/api\/support\/v1\/(customers|checks)\b/.test(path));
    expect(supportPaths.length).toBeGreaterThan(5);
    const fields = JSON.stringify(supportPaths.map(([, ops]) => Object.values(ops).map((op) => op.requestBody ?? null)));
    for (const destination of ['"email"', '"phone"', '"to"', '"destination"', '"recipient"', '"address"', '"number"', '"target"']) expect(fields).not.toContain(destination);

    const customer = await contactsOf(agent, EMAIL);
    const callerNumber = '+14155550199';
    const url = `/api/support/v1/customers/${customer.id}/checks`;
    expect((await agent.send('POST', url, { identifier_id: customer.contacts[0]!.id, ticket: 'T-1', phone: callerNumber })).json.error.code).toBe('request.invalid');
    // A number or address where a contact id goes is refused as malformed (400) or unknown (404); nothing is sent.
    expect([400, 404]).toContain((await agent.send('POST', url, { identifier_id: callerNumber, ticket: 'T-1' })).status);
    expect([400, 404]).toContain((await agent.send('POST', url, { identifier_id: 'attacker@example.net', ticket: 'T-1' })).status);
    expect([400, 404]).toContain((await agent.send('POST', url, { identifier_id: '14155550199', ticket: 'T-1' })).status);
    // Another customer's contact id does not belong to this customer.
    const bob = await seedCustomer(t, 'bob@example.com', '+14155550123');
    const bobContact = (await contactsOf(agent, 'bob@example.com')).contacts[0]!.id;
    expect((await agent.send('POST', url, { identifier_id: bobContact, ticket: 'T-1' })).status).toBe(404);
    expect(bob.accountId).not.toBe(customer.id);

    // The page form takes a contact id too: a typed number is not a contact.
    const browser = new Client(t, undefined, ['__Host-custos_staff', agentToken]);
    expect((await browser.send('GET', `/support/customers/${customer.id}`)).status).toBe(200);
    const posted = await browser.send('POST', `/support/customers/${customer.id}/checks`, undefined, { contact: callerNumber, ticket: 'T-1' });
    expect(posted.status).toBe(404);
    expect(await outboxRecipients()).not.toContain(callerNumber);
    expect(await outboxRecipients()).not.toContain('attacker@example.net');
  });

  it('the 2012 chain: no console page or JSON answer carries a card’s last four, a code that was sent, or a session token', async () => {
    const browser = new Client(t, undefined, ['__Host-custos_staff', agentToken]);
    const customer = await contactsOf(agent, EMAIL);
    await browser.send('GET', `/support/customers?q=${encodeURIComponent(PHONE)}`);
    await browser.send('GET', `/support/customers?q=${ada.order.number}`);
    await browser.send('GET', `/support/customers/${customer.id}`);
    const started = await browser.send('POST', `/support/customers/${customer.id}/checks`, undefined, { contact: customer.contacts[0]!.id, ticket: 'T-42' });
    expect(started.status).toBe(303);
    const checkPage = started.location!;
    await browser.send('GET', checkPage);
    const code = await lastCodeTo(t, EMAIL);
    await browser.send('POST', `${checkPage}/confirm`, undefined, { code: code === '000000' ? '111111' : '000000' });
    await browser.send('POST', `${checkPage}/signal`, undefined, { kind: 'postcode', value: '62704' });
    expect((await browser.send('POST', `${checkPage}/confirm`, undefined, { code })).status).toBe(303);
    const page = await browser.send('GET', `/support/customers/${customer.id}`);
    expect(page.text).toContain('Caller verified by you');
    expect(page.text).toContain('visa');
    await browser.send('POST', `/support/customers/${customer.id}/notes`, undefined, { text: 'Called about lamp' });
    await browser.send('GET', `/support/customers/${customer.id}?done=note`);

    const { code: apiCode } = await verify(agent);
    await agent.send('GET', `/api/support/v1/customers/${customer.id}`);
    await agent.send('GET', `/api/support/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    await agent.send('GET', '/api/openapi.json');

    const cardToken = (await t.app.deps.db.selectFrom('cards').select('gateway_token').executeTakeFirstOrThrow()).gateway_token;
    const secret = ada.token.split('.')[1]!;
    const everything = [...browser.answers, ...agent.answers].join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    for (const forbidden of [LAST4, code, apiCode, ada.token, secret, cardToken]) expect(everything).not.toContain(forbidden);
    // The window is real: the agent saw the customer's own email address.
    expect(everything).toContain(EMAIL);
  });

  it('attack 2012 chain: a caller cannot have support add a card and then read back its last four', async () => {
    // The caller knows the address and the last four; they dictate a "new card" (the full number ends in them).
    const fullNumber = `411111111111${LAST4}`;
    const cardsBefore = await t.app.deps.db.selectFrom('cards').select('id').execute();
    const doc = await (await fetch(`${t.baseUrl}/api/openapi.json`)).json();
    const writes = Object.entries(doc.paths as Record<string, Record<string, any>>)
      .filter(([path]) => path.startsWith('/api/support/'))
      .flatMap(([path, ops]) => Object.entries(ops).filter(([method]) => ['post', 'put', 'patch'].includes(method)).map(([method, op]) => ({ path, method, op })));
    expect(writes.length).toBeGreaterThan(5);
    for (const { path, op } of writes) expect(`${path} ${JSON.stringify(op.requestBody ?? {})}`).not.toMatch(/card|payment|wallet|pan\b|cvc|exp_?(month|year)/i);

    const customer = await contactsOf(agent, EMAIL);
    const browser = new Client(t, undefined, ['__Host-custos_staff', agentToken]);
    await browser.send('GET', `/support/customers/${customer.id}`);
    const started = await browser.send('POST', `/support/customers/${customer.id}/checks`, undefined, { contact: customer.contacts[0]!.id, ticket: 'T-2012' });
    expect(started.status).toBe(303);
    await browser.send('GET', started.location!);
    expect((await browser.send('POST', `${started.location}/confirm`, undefined, { code: await lastCodeTo(t, EMAIL) })).status).toBe(303);
    await verify(agent);

    // Every plausible way to add one, over JSON and through the page forms, inside the verified window.
    const card = { number: fullNumber, card_number: fullNumber, exp_month: 4, exp_year: 2031, cvc: '123', brand: 'visa', last4: LAST4, ticket: 'T-2012' };
    const base = `/api/support/v1/customers/${customer.id}`;
    for (const url of [`${base}/cards`, `${base}/payment-methods`, `${base}/payment_methods`, `${base}/wallet`, `${base}/wallet/cards`, `${base}/cards/setups`, '/api/support/v1/cards', '/api/support/v1/payment-methods']) {
      expect([404, 405], url).toContain((await agent.send('POST', url, card)).status);
    }
    const page = `/support/customers/${customer.id}`;
    for (const url of [`${page}/cards`, `${page}/cards/new`, `${page}/payment-methods`, `${page}/wallet`, '/support/cards']) {
      expect([404, 405], url).toContain((await browser.send('POST', url, undefined, Object.fromEntries(Object.entries(card).map(([k, v]) => [k, String(v)])))).status);
    }
    // The customer's own card routes do not take a staff session.
    expect([401, 403]).toContain((await agent.send('POST', '/api/v1/cards', card)).status);
    expect((await browser.send('POST', '/account/cards/new', undefined, { number: fullNumber })).status).not.toBe(200);
    expect((await t.app.deps.db.selectFrom('cards').select('id').execute()).length).toBe(cardsBefore.length);

    // Read back: cards by brand and expiry state only, on the page and in JSON.
    const json = await agent.send('GET', base);
    expect(json.status).toBe(200);
    const cards = json.json.customer?.cards ?? json.json.cards;
    expect(cards).toEqual([{ brand: 'visa', expiry: expect.any(String), is_default: expect.any(Boolean) }]);
    const view = await browser.send('GET', page);
    expect(view.text).toContain('Caller verified by you');
    expect(view.text).toMatch(/visa: /);
    const everything = [...browser.answers, ...agent.answers].join('\n');
    for (const forbidden of [LAST4, fullNumber, '4111 1111 1111']) expect(everything).not.toContain(forbidden);
    expect(everything).not.toMatch(/\b0?4\s*\/\s*(20)?31\b/);
  });

  it('Access control: the verified window is bound to the agent — another agent sees masked data and cannot act', async () => {
    const { checkId } = await verify(agent);
    const other = new Client(t, (await staffSession(t, { role: 'supervisor', name: 'Pat Other' })).token);
    const seen = await contactsOf(other, EMAIL);
    expect(seen.contacts.map((c) => c.shown)).toEqual(['a•••@e•••.com', '+1 •••• ••47']);
    expect(JSON.stringify(seen)).not.toContain(EMAIL);
    for (const [method, path, body] of [
      ['GET', `/api/support/v1/customers/${seen.id}`, undefined],
      ['POST', `/api/support/v1/customers/${seen.id}/end-sessions`, {}],
      ['POST', `/api/support/v1/customers/${seen.id}/lock`, {}],
      ['POST', `/api/support/v1/customers/${seen.id}/notes`, { text: 'x' }],
    ] as const) {
      const answer = await other.send(method, path, body);
      expect(answer.status, path).toBe(403);
      expect(answer.json.error.code).toBe('support.caller_not_verified');
    }
    expect((await other.send('POST', `/api/support/v1/checks/${checkId}/confirm`, { code: '123456' })).status).toBe(404);
    expect((await other.send('POST', `/api/support/v1/checks/${checkId}/second-signal`, { kind: 'postcode', value: '62704' })).status).toBe(404);
    const otherPage = await new Client(t, undefined, ['__Host-custos_staff', other['bearer']!]).send('GET', `/support/customers/${seen.id}`);
    expect(otherPage.text).toContain('Check who is calling');
    expect(otherPage.text).not.toContain(EMAIL);
    // The customer's session still works: nobody acted.
    expect((await new Client(t, ada.token).send('GET', '/api/v1/session')).status).toBe(200);
  });

  it('Access control: a customer token opens no support route, and a staff token opens no customer route', async () => {
    const doc = await (await fetch(`${t.baseUrl}/api/openapi.json`)).json();
    const customer = new Client(t, ada.token);
    let tried = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      if (!path.startsWith('/api/support/')) continue;
      for (const [method, op] of Object.entries(ops as Record<string, { security?: unknown[] }>)) {
        // Staff sign-in and setup are open to anyone, and refuse a customer's token like any stranger's.
        if (!op.security?.length) continue;
        const concrete = path.replace(/\{[^}]+\}/g, ada.accountId);
        const answer = await customer.send(method.toUpperCase() as 'GET' | 'POST', `${concrete}${method === 'get' && !path.includes('{') ? `?q=${encodeURIComponent(EMAIL)}` : ''}`, method === 'post' ? {} : undefined);
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.json.error.code).toBe('auth.required');
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(9);
    const customerBrowser = new Client(t, undefined, ['__Host-custos_session', ada.token]);
    for (const page of ['/support/customers', `/support/customers/${ada.accountId}`]) {
      const answer = await customerBrowser.send('GET', page);
      expect(answer.status).toBe(303);
      expect(answer.location).toBe('/support/signin');
    }
    expect((await agent.send('GET', '/api/v1/session')).status).toBe(401);
    expect((await new Client(t, undefined, ['__Host-custos_session', agentToken]).send('GET', '/account')).status).toBe(303);
  });

  it('“Are you talking to us?”: Your Account names the agent only while a window is open', async () => {
    const customerBrowser = new Client(t, undefined, ['__Host-custos_session', ada.token]);
    expect((await customerBrowser.send('GET', '/account')).text).toContain('We are not calling you');
    await verify(agent);
    const during = await customerBrowser.send('GET', '/account');
    expect(during.text).toContain('You are talking to Sam from Custos support');
    t.clock.advance(15 * 60_000);
    expect((await customerBrowser.send('GET', '/account')).text).toContain('We are not calling you');
  });
});
