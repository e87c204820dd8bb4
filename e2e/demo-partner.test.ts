import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPartnerShop } from '../src/demo-partner/start.js';
import { totpCodeAt } from '../src/methods/totp/totp.js';
import { ManualClock, MINUTE } from '../src/platform/clock.js';
import { api, createTestApp, signUp, STRONG_PASSWORD, type ListeningTestApp } from '../test/helpers/app.js';
import { expectEveryInputLabelled } from '../test/helpers/browser.js';
import { freePort } from '../test/helpers/free-port.js';
import { skipWithoutChromium } from './helpers/browser-rig.js';
import { launchChromium, screenshot } from './helpers/chromium.js';

/**
 * The demo partner shop end to end, as a newcomer would try it: Custos listening on 127.0.0.1 and the shop on
 * localhost (two sites, as in real life), the shop registered through the store's own shell commands on first
 * start. A customer with an authenticator app signs in with the store at the shop (password and code), consents,
 * pays with a sandbox card added on the way, finds the order in Your Orders at the store, gets a partial refund
 * from the shop, and the shop's webhook log shows both events with their signatures verified.
 */
const skip = skipWithoutChromium('the demo partner browser test');

const STORE = 'Harbor Market';
const EMAIL = 'mara@example.com';

describe.skipIf(skip)('the demo partner shop in a real browser', () => {
  let custos: ListeningTestApp;
  let shop: FastifyInstance;
  let shopUrl: string;
  let browser: Browser;
  let shopDataDir: string;
  const shopLog: string[] = [];

  beforeAll(async () => {
    // A real browser drops cookies whose expiry is already past, so the store's clock starts at today's time.
    custos = await createTestApp({ STORE_NAME: STORE }, { listen: true, clock: new ManualClock(Date.now()) });
    custos.app.worker.start(200);
    shopDataDir = mkdtempSync(join(tmpdir(), 'demo-partner-e2e-'));
    const port = await freePort();
    const database = { DATA_DIR: custos.database.dataDir, DATABASE_URL: custos.database.databaseUrl ?? '', LOG_LEVEL: 'silent' };
    ({ app: shop, url: shopUrl } = await startPartnerShop(
      { port, publicUrl: `http://localhost:${port}`, custosUrl: custos.baseUrl, storeName: STORE, dataDir: shopDataDir },
      // The store's commands on the store's database; the shop reads the store's clock, which the test moves.
      { env: { ...process.env, ...database }, cliDir: resolve('dist/cli'), now: () => custos.clock.now(), log: (line) => shopLog.push(line) },
    ));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await custos?.close();
    if (shopDataDir) rmSync(shopDataDir, { recursive: true, force: true });
  });

  /** A customer with a saved address and an authenticator app; returns the app's key. */
  async function customerWithAuthenticator(): Promise<string> {
    const { token: first } = await signUp(custos, { name: 'Mara Quinn', email: EMAIL });
    const stepped = await api(custos, 'POST', '/api/v1/step-up', { token: first, body: { password: STRONG_PASSWORD } });
    const token = stepped.body.session.token as string;
    const begun = await api(custos, 'POST', '/api/v1/two-step/totp', { token, body: {} });
    expect((await api(custos, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, custos.clock.now()) } })).status).toBe(204);
    const address = { full_name: 'Mara Quinn', line1: '500 Howard St', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' };
    expect((await api(custos, 'POST', '/api/v1/addresses', { token, body: address })).status).toBe(201);
    // The next code the test computes must be a new one: a code is accepted once.
    custos.clock.advance(MINUTE);
    return begun.body.key as string;
  }

  async function heading(page: Page, name: string | RegExp): Promise<void> {
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }

  it('signs in with the store (password and authenticator), pays with a sandbox card, is refunded, and verifies the webhooks', async () => {
    expect(shopLog).toContainEqual(expect.stringMatching(/^Registered "Demo partner shop" with Custos as cp_/));
    expect(shopLog).toContainEqual(expect.stringMatching(/^Webhook endpoint http:\/\/localhost:\d+\/webhooks added as /));
    const key = await customerWithAuthenticator();
    const context = await browser.newContext({ baseURL: shopUrl, viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();

    // At the shop: "Sign in with Harbor Market" leads to the store's own sign-in.
    await page.goto('/');
    await heading(page, 'Gear for the long way round');
    await screenshot(page, 'demo-partner-01-shop-home');
    await page.getByRole('button', { name: `Sign in with ${STORE}` }).click();
    await page.waitForURL((url) => url.origin === custos.baseUrl);
    await page.getByLabel('Email or mobile phone number').fill(EMAIL);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Two-step verification');
    await page.getByLabel('Enter the 6-digit code from your authenticator app').fill(totpCodeAt(key, custos.clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();

    // The store's consent page names the shop and exactly what it will get.
    await heading(page, 'Sign in to Demo partner shop with your account?');
    await page.getByText('Your name: Mara Quinn').waitFor();
    await page.getByRole('radio', { name: EMAIL }).check();
    await screenshot(page, 'demo-partner-02-store-consent');
    await page.getByRole('button', { name: 'Allow', exact: true }).click();

    // Back at the shop, which shows what it received.
    await page.waitForURL(`${shopUrl}/?signed_in=1`);
    await heading(page, 'Welcome back, Mara Quinn');
    await page.getByText(EMAIL).waitFor();
    await page.getByText('Mara Quinn, 500 Howard St, San Francisco, CA 94105').waitFor();
    expect(await page.getByRole('status').textContent()).toBe(`You're signed in with ${STORE}.`);
    await screenshot(page, 'demo-partner-03-shop-signed-in');

    // The cart, then "Pay with Harbor Market": the store's pay page, where a card is added through the sandbox gateway.
    await page.getByRole('link', { name: 'Your cart', exact: true }).click();
    await heading(page, 'Your cart');
    await screenshot(page, 'demo-partner-04-shop-cart');
    await page.getByRole('button', { name: `Pay with ${STORE}` }).click();
    await heading(page, 'Pay Demo partner shop');
    const payUrl = page.url();
    expect(payUrl).toMatch(new RegExp(`^${custos.baseUrl}/pay/`));
    await page.getByRole('link', { name: 'Add a card' }).click();
    await page.getByRole('button', { name: 'Continue to the payment page' }).click();
    await heading(page, 'Enter your card details');
    await page.getByRole('textbox', { name: 'Card number' }).fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry date (MM/YY)').fill('12/30');
    await page.getByLabel('Security code (CVC)').fill('123');
    await page.getByLabel('Name on card').fill('Mara Quinn');
    await page.getByRole('button', { name: 'Save card' }).click();
    // Adding the card brings the customer back to the payment they were making.
    await page.waitForURL(payUrl);
    await heading(page, 'Pay Demo partner shop');
    // Long enough after signing in that paying a shop for the first time asks for the password again.
    custos.clock.advance(custos.config.stepUpMinutes * MINUTE + 1000);
    await page.reload();
    await page.getByText('$103.00').first().waitFor();
    await page.getByRole('radio', { name: /Visa.*4242/ }).check();
    await page.getByLabel('Confirm with your password').fill(STRONG_PASSWORD);
    await screenshot(page, 'demo-partner-05-store-pay');
    await page.getByRole('button', { name: 'Pay $103.00' }).click();

    // The shop redeems the permission and shows the order: number, address, card brand (never its digits).
    await heading(page, 'Thank you for your order');
    expect(new URL(page.url()).origin).toBe(shopUrl);
    const orderNumber = ((await page.getByRole('heading', { level: 2, name: /^Order / }).textContent()) ?? '').replace('Order ', '');
    expect(orderNumber).toMatch(/\w/);
    await page.getByText('Visa card').waitFor();
    await page.getByText(/500 Howard St/).waitFor();
    expect(await page.content()).not.toContain('4242');
    expectEveryInputLabelled(await page.content());
    await screenshot(page, 'demo-partner-06-shop-order');
    const orderPage = page.url();

    // At the store, the order is in Your Orders under the shop's name.
    await page.goto(`${custos.baseUrl}/orders`);
    await heading(page, 'Your Orders');
    await page.getByText(orderNumber).first().waitFor();
    await page.getByText('Alpine Trail Daypack, 22 L').first().waitFor();
    await screenshot(page, 'demo-partner-07-store-your-orders');
    await page.getByRole('link', { name: /View order details/ }).first().click();
    await heading(page, 'Order details');
    await page.getByText('Sold by Demo partner shop').waitFor();
    await screenshot(page, 'demo-partner-08-store-order-details');
    const storeOrderUrl = page.url();

    // The shop refunds part of it.
    await page.goto(orderPage);
    await page.getByLabel('Amount to refund (US$)').fill('200.00');
    await page.getByRole('button', { name: 'Refund' }).click();
    await page.getByText('That is more than is left to refund.').waitFor();
    expect(await page.getByLabel('Amount to refund (US$)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Amount to refund (US$)').fill('24.00');
    await page.getByRole('button', { name: 'Refund' }).click();
    await page.getByRole('status').filter({ hasText: 'Refund sent.' }).waitFor();
    await page.getByText('$24.00').first().waitFor();
    expect(await page.getByLabel('Amount to refund (US$)').inputValue()).toBe('79.00');
    await screenshot(page, 'demo-partner-09-shop-refunded');
    // The store's copy of the order says so too.
    await page.goto(storeOrderUrl);
    await page.getByText('Refunded $24.00 of $103.00').waitFor();
    await page.goto(orderPage);

    // Both events arrive, signed with the endpoint's secret, and the shop verifies them.
    await expect
      .poll(
        async () => {
          await page.goto('/webhooks');
          return page.locator('tbody tr').allTextContents();
        },
        { timeout: 15_000, interval: 250 },
      )
      .toEqual([expect.stringMatching(/charge\.refunded.*verified ✓/), expect.stringMatching(/charge\.succeeded.*verified ✓/)]);
    await screenshot(page, 'demo-partner-10-shop-webhook-log');

    // A second purchase whose way back arrives twenty times at once (a double click, a reload storm): one charge.
    await page.goto('/cart');
    await page.getByRole('button', { name: `Pay with ${STORE}` }).click();
    await heading(page, 'Pay Demo partner shop');
    // The approval goes as the form sends it; the way back it answers with is then requested twenty times at once.
    const approve = page.locator('form[action$="/approve"]');
    const password: Record<string, string> = (await page.getByLabel('Confirm with your password').count()) ? { password: STRONG_PASSWORD } : {};
    const approved = await context.request.post(new URL((await approve.getAttribute('action'))!, page.url()).href, {
      form: {
        _csrf: await approve.locator('input[name="_csrf"]').inputValue(),
        address: await approve.locator('input[name="address"]:checked').inputValue(),
        card: await approve.locator('input[name="card"]:checked').inputValue(),
        ...password,
      },
      maxRedirects: 0,
    });
    expect(approved.status()).toBe(303);
    const returnUrl = approved.headers().location!;
    expect(returnUrl).toMatch(new RegExp(`^${shopUrl}/checkout/return\\?checkout_session=`));
    const answers = await Promise.all(Array.from({ length: 20 }, () => context.request.get(returnUrl, { maxRedirects: 0 })));
    const statuses = answers.map((answer) => answer.status());
    expect(statuses.every((status) => status === 303 || status === 409), statuses.join()).toBe(true);
    const orders = new Set(answers.filter((answer) => answer.status() === 303).map((answer) => new URL(answer.headers().location!, shopUrl).pathname));
    expect(orders.size).toBe(1);
    expect([...orders][0]).toMatch(/^\/orders\/[\w-]+/);
    const placed = await custos.database.db.kysely.selectFrom('orders').select('number').execute();
    expect(placed).toHaveLength(2);
    await context.close();
  }, 120_000);
});
