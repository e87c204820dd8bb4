import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, signUp } from '../helpers/browser.js';
import { staffSession } from '../helpers/staff.js';

/**
 * The console's pages wear the staff header (store name + "Support", the staff member's name, a sign-out button
 * to /support/signout) and never the customer's, even when a customer is signed in in the same browser: an agent
 * must never see "Your Account" links, nor sign a customer out by mistake.
 */
function customerHeaderParts(html: string): string[] {
  return ['href="/account"', 'href="/signin"', 'href="/signup"', 'action="/signout"', 'Hello, '].filter((part) => html.includes(part));
}

describe('the support console looks like a staff tool', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('a signed-in staff member sees the store name, "Support", their name and sign-out; no customer header, even with a customer signed in here', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Casey Customer', email: 'casey@example.com' });
    const agent = await staffSession(t, { role: 'admin', name: 'Avery Admin' });
    browser.cookies.set('__Host-custos_staff', agent.token);
    for (const path of ['/support', '/support/staff', '/support/customers', '/support/staff/audit']) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.body).toContain('class="site-header console-header"');
      expect(page.body).toContain(`${t.config.storeName} <span class="brand-console">Support</span>`);
      expect(page.body).toContain('Signed in as Avery Admin');
      expect(page.body).toContain('action="/support/signout"');
      expect(customerHeaderParts(page.body), path).toEqual([]);
    }
    // The customer's own pages still wear the customer header.
    const account = await browser.get('/account');
    expect(account.body).toContain('Hello, Casey');
    expect(account.body).not.toContain('console-header');
  });

  it('the sign-in and setup pages wear the staff header without a name, and no customer links', async () => {
    const browser = new Browser(t.app);
    for (const path of ['/support/signin', '/support/setup?token=nonsense-token-that-is-long-enough']) {
      const page = await browser.get(path);
      expect(page.body).toContain('console-header');
      expect(page.body).not.toContain('Signed in as');
      expect(customerHeaderParts(page.body), path).toEqual([]);
    }
  });
});
