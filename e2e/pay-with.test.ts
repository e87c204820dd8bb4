import { describe, expect, it } from 'vitest';
import { createPartner } from '../src/partners/partners.js';
import { accountIdOf } from '../test/helpers/fixtures.js';
import { basic, sandboxCard } from '../test/checkout/checkout-fixtures.js';
import { newId } from '../src/platform/crypto.js';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';

/**
 * "Pay with" in a real browser: a partner opens a checkout over HTTP, the customer sees the partner, the items and
 * the total, picks an address and a card, confirms with the password (the amount is over PAY_CONFIRM_ABOVE) and
 * lands back on the partner's return URL with only the session id; the partner then charges.
 */
const skip = skipWithoutChromium('the Pay with browser test');
const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('Pay with in a real browser', () => {
  const rig = useBrowserRig();

  it('approves a partner checkout and the partner charges it', async () => {
    const { page } = await rig.newPage();
    const email = 'lin@example.com';
    await rig.signUp(page, { name: 'Lin Okafor', email, password: PASSWORD });
    const t = rig.live;
    const accountId = await accountIdOf(t, email);
    const now = t.clock.now();
    await t.app.deps.db
      .insertInto('addresses')
      .values({ id: newId(), account_id: accountId, full_name: 'Lin Okafor', line1: '500 Howard St', line2: null, city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US', phone: null, is_default_shipping: 1, is_default_billing: 1, created_at: now, updated_at: now })
      .execute();
    await sandboxCard(t, accountId, '4242424242424242');

    const returnUrl = `${t.baseUrl}/partner-shop/thanks`;
    const { partner, clientSecret } = await createPartner(t.app.deps, { name: 'Harbour Coffee Roasters', redirectUris: [`${t.baseUrl}/partner-shop/callback`] });
    const credentials = { id: partner.id, secret: clientSecret };
    const items = [
      { name: 'Ethiopia Yirgacheffe, 1 kg', quantity: 2, unit_amount: 4600 },
      { name: 'Ceramic pour-over dripper', quantity: 1, unit_amount: 3850 },
      { name: 'Paper filters (100)', quantity: 3, unit_amount: 699 },
    ];
    const amount = 2 * 4600 + 3850 + 3 * 699;
    const opened = await fetch(`${t.baseUrl}/api/partner/v1/checkout-sessions`, {
      method: 'POST',
      headers: { authorization: basic(credentials), 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency: 'USD', items, return_url: returnUrl }),
    });
    const session = (await opened.json()) as { id: string; url: string };
    expect(opened.status).toBe(201);

    // Past the step-up window, so the amount (over PAY_CONFIRM_ABOVE) asks for the password.
    t.clock.advance(11 * 60_000);
    await page.goto(session.url);
    await rig.heading(page, 'Pay Harbour Coffee Roasters');
    await page.getByText('$151.47').first().waitFor();
    await screenshot(page, 'pay-01-checkout');
    await page.getByLabel('Confirm with your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Pay $151.47' }).click();
    await page.waitForURL((url) => url.pathname === '/partner-shop/thanks');
    expect(new URL(page.url()).search).toBe(`?checkout_session=${session.id}`);

    const read = (await (await fetch(`${t.baseUrl}/api/partner/v1/checkout-sessions/${session.id}`, { headers: { authorization: basic(credentials) } })).json()) as { status: string; charge_permission: string };
    expect(read.status).toBe('approved');
    const charged = await fetch(`${t.baseUrl}/api/partner/v1/charges`, {
      method: 'POST',
      headers: { authorization: basic(credentials), 'content-type': 'application/json', 'idempotency-key': 'order-1' },
      body: JSON.stringify({ charge_permission: read.charge_permission }),
    });
    expect(charged.status).toBe(201);
    const charge = (await charged.json()) as { order: { number: string } };
    await page.goto('/orders');
    await page.getByText(charge.order.number).first().waitFor();
    await page.getByRole('link', { name: /View order details|Order details/ }).first().click();
    await page.getByText('Sold by Harbour Coffee Roasters').waitFor();
    await screenshot(page, 'pay-02-order-sold-by');
  });
});
