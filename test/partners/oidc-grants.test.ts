import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { ListeningTestApp } from '../helpers/app.js';
import { staffSession } from '../helpers/staff.js';
import { EMAIL, support, verifyCaller } from '../support/support-fixtures.js';
import { subjectFor } from '../../src/partners/subjects.js';
import { HttpBrowser, partnerSite, redeem, signedInCustomer, signInWith, startProvider, startSignin, type TestPartner } from './oidc-helpers.js';
import { MINUTE } from '../../src/platform/clock.js';

/** A partner's back-channel logout endpoint: collects the logout tokens it is sent. */
async function logoutReceiver(port = 0): Promise<{ url: string; next(): Promise<string>; server: Server }> {
  const waiting: Array<(token: string) => void> = [];
  const received: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token') ?? '';
      response.writeHead(200).end();
      const waiter = waiting.shift();
      if (waiter) waiter(token);
      else received.push(token);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/logout`,
    server,
    next: () => (received.length ? Promise.resolve(received.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

describe('Sign in with the store: ending grants (Apps and websites, securing, locking)', () => {
  let t: ListeningTestApp;
  let partner: TestPartner;
  let receiver: Awaited<ReturnType<typeof logoutReceiver>>;
  beforeEach(async () => {
    t = await startProvider();
    receiver = await logoutReceiver();
    partner = await partnerSite(t, { name: 'Lamp Shop', backchannelLogoutUri: receiver.url });
  });
  afterEach(async () => {
    receiver.server.close();
    await t.close();
  });

  async function expectLogoutFor(accountId: string) {
    const token = await receiver.next();
    const keys = createRemoteJWKSet(new URL(`${t.baseUrl}/oidc/jwks`));
    const { payload, protectedHeader } = await jwtVerify(token, keys, { issuer: `${t.baseUrl}/oidc`, audience: partner.id });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(await subjectFor(t.app.deps, partner.id, accountId));
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.nonce).toBeUndefined();
  }

  async function signedInWithRefresh(browser: HttpBrowser) {
    const tokens = await redeem(partner, await signInWith(partner, browser, { scope: 'openid profile email offline_access', prompt: 'consent' }));
    expect(tokens.refresh_token).toBeTruthy();
    return tokens;
  }

  it('Apps and websites lists the partner with what it gets; Remove ends the grant, its tokens, and tells the partner', async () => {
    const { browser, accountId } = await signedInCustomer(t, 'apps@example.com');
    const tokens = await signedInWithRefresh(browser);
    const account = await browser.request('/account');
    expect(account.body).toContain('href="/account/apps"');
    const page = await browser.request('/account/apps');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Lamp Shop');
    expect(page.body).toContain('Email: apps@example.com');
    expect(page.body).toContain('Cannot take payments');
    expect(page.body).toMatch(/last used \d+ \w+ \d{4}/);
    // Without the form's token nothing happens (CSRF).
    const forged = await browser.request(`/account/apps/${partner.id}/remove`, { form: {} });
    expect(forged.status).toBe(403);
    const removed = await browser.request(`/account/apps/${partner.id}/remove`, { form: { _csrf: browser.csrf } });
    expect(removed.location).toBe(`${t.baseUrl}/account/apps?notice=removed`);
    await expectLogoutFor(accountId);
    await expect(client.refreshTokenGrant(partner.rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(partner.rp, tokens.access_token, client.skipSubjectCheck)).rejects.toBeDefined();
    const row = await t.app.deps.db.selectFrom('partner_grants').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBe(t.clock.now());
    expect((await browser.request('/account/apps')).body).not.toContain('Lamp Shop');
    // Removing it again, or a partner that was never allowed, is "not found", and nobody is told twice.
    expect((await browser.request(`/account/apps/${partner.id}/remove`, { form: { _csrf: browser.csrf } })).status).toBe(404);
    expect((await browser.request('/account/apps/cp_nobody/remove', { form: { _csrf: browser.csrf } })).status).toBe(404);
    // Signing in again asks for consent again.
    const again = await startSignin(partner);
    const asked = await browser.follow(again.url.href, partner.redirectUri);
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('Sign in to Lamp Shop with your account?');
  });

  it('partner sign-ins appear in Login activity, naming the partner', async () => {
    const { browser, accountId } = await signedInCustomer(t, 'activity@example.com');
    await signInWith(partner, browser);
    // The second passes straight through the provider's own session, and still counts.
    await signInWith(partner, browser);
    const events = await t.app.deps.db.selectFrom('audit_events').select(['detail', 'ip']).where('account_id', '=', accountId).where('type', '=', 'partner.signed_in').execute();
    expect(events.map((e) => JSON.parse(e.detail).partner)).toEqual(['Lamp Shop', 'Lamp Shop']);
    expect(events[0]!.ip).toBe('127.0.0.1');
    const page = await browser.request('/account/activity');
    expect(page.body).toContain('Signed in to Lamp Shop with your account');
  });

  it('securing the account ends every partner grant and sends the back-channel logout', async () => {
    const { browser, accountId } = await signedInCustomer(t, 'secure@example.com');
    const tokens = await signedInWithRefresh(browser);
    await browser.request('/account/secure');
    const secured = await browser.request('/account/secure/confirm', { form: { _csrf: browser.csrf } });
    expect(secured.status).toBe(200);
    await expectLogoutFor(accountId);
    await expect(client.refreshTokenGrant(partner.rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a support lock ends every partner grant and sends the back-channel logout', async () => {
    const { browser, accountId } = await signedInCustomer(t, EMAIL);
    const tokens = await signedInWithRefresh(browser);
    const agent = await staffSession(t, { role: 'agent' });
    const { customerId } = await verifyCaller(t, agent.token, EMAIL);
    expect((await support(t, agent.token, 'POST', `/api/support/v1/customers/${customerId}/lock`, {})).status).toBe(204);
    await expectLogoutFor(accountId);
    await expect(client.refreshTokenGrant(partner.rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a partner that does not answer gets the logout again from the job until it does', async () => {
    const { browser, accountId } = await signedInCustomer(t, 'retry@example.com');
    await signInWith(partner, browser);
    const port = Number(new URL(receiver.url).port);
    await new Promise((resolve) => receiver.server.close(resolve));
    await browser.request('/account/apps');
    await browser.request(`/account/apps/${partner.id}/remove`, { form: { _csrf: browser.csrf } });
    const pending = async () => (await t.app.deps.db.selectFrom('oidc_models').select('id').where('model', '=', 'PendingBackchannelLogout').execute()).length;
    t.clock.advance(MINUTE);
    await t.app.jobs.runDue();
    expect(await pending()).toBe(1);
    receiver = await logoutReceiver(port);
    t.clock.advance(MINUTE);
    await t.app.jobs.runDue();
    await expectLogoutFor(accountId);
    expect(await pending()).toBe(0);
  });
});
