import { describe, expect, it } from 'vitest';
import { createStoreKey } from '../src/merchants/store-keys.js';
import { DAY } from '../src/platform/clock.js';
import { recipients } from '../test/helpers/mail-server.js';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';

/**
 * The wallet and order history in a real browser: an address, a card typed on the sandbox gateway's own page
 * (a decline first, in words), orders the shop records through the store API, then Your Orders, an order's
 * details, spending, and "I don't recognise this order" leading into securing the account.
 */
const skip = skipWithoutChromium('the wallet and orders browser test');

const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('wallet and orders in a real browser', () => {
  const rig = useBrowserRig();

  async function storePost(key: string, path: string, body: unknown): Promise<Record<string, any>> {
    const response = await fetch(`${rig.live.baseUrl}/api/store/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, any>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  it('adds an address and a card, then browses, inspects and reports orders', async () => {
    const email = 'mara@example.com';
    const { context, page } = await rig.newPage();
    await rig.signUp(page, { name: 'Mara Quinn', email, password: PASSWORD });

    await page.getByRole('link', { name: /Your Addresses/ }).click();
    await rig.heading(page, 'Your Addresses');
    await page.getByRole('link', { name: 'Add an address' }).first().click();
    await rig.heading(page, 'Add an address');
    await page.getByLabel('Full name').fill('Mara Quinn');
    await page.getByLabel('Address line 1').fill('500 Howard St');
    await page.getByLabel('City').fill('San Francisco');
    await page.getByLabel('State').selectOption('CA');
    await page.getByLabel('ZIP code').fill('94105');
    await screenshot(page, 'wallet-01-add-address');
    await page.getByRole('button', { name: 'Add address' }).click();
    await rig.heading(page, 'Your Addresses');
    await page.getByText('San Francisco, CA 94105').waitFor();

    await page.goto('/account/cards');
    await rig.heading(page, 'Payment methods');
    await page.getByRole('link', { name: 'Add a card' }).first().click();
    await rig.heading(page, 'Add a card');
    await page.getByRole('button', { name: 'Continue to the payment page' }).click();
    await rig.heading(page, 'Enter your card details');
    await page.getByRole('textbox', { name: 'Card number' }).fill('4000 0000 0000 0002');
    await page.getByLabel('Expiry date (MM/YY)').fill('12/30');
    await page.getByLabel('Security code (CVC)').fill('123');
    await page.getByLabel('Name on card').fill('Mara Quinn');
    await screenshot(page, 'wallet-02-sandbox-card-page');
    await page.getByRole('button', { name: 'Save card' }).click();
    await rig.heading(page, 'Payment methods');
    await page.getByText(/declined/i).first().waitFor();
    await screenshot(page, 'wallet-03-card-declined');
    expect(await page.content()).not.toContain('4000000000000002');

    await page.getByRole('link', { name: 'Add a card' }).first().click();
    await page.getByRole('button', { name: 'Continue to the payment page' }).click();
    await rig.heading(page, 'Enter your card details');
    await page.getByRole('textbox', { name: 'Card number' }).fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry date (MM/YY)').fill('12/30');
    await page.getByLabel('Security code (CVC)').fill('123');
    await page.getByLabel('Name on card').fill('Mara Quinn');
    await page.getByRole('button', { name: 'Save card' }).click();
    await rig.heading(page, 'Payment methods');
    await page.getByText('4242').first().waitFor();
    await screenshot(page, 'wallet-04-payment-methods');
    await rig.mail.waitForMail('card added notice', (m) => recipients(m).includes(email) && /card/i.test(m.subject ?? ''));

    // The shop records three orders for this customer through the store API.
    const { plaintext: key } = await createStoreKey(rig.live.app.deps, 'Browser test shop');
    const card = (await (await fetch(`${rig.live.baseUrl}/api/store/v1/customers?email=${email}`, { headers: { authorization: `Bearer ${key}` } })).json()) as any;
    const shipTo = { full_name: 'Mara Quinn', line1: '500 Howard St', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' };
    const now = rig.live.clock.now();
    const orders = [
      { title: 'Whole Bean Coffee, 1 kg', sku: 'COFFEE-1KG', price: 2499, quantity: 2, daysAgo: 60 },
      { title: 'Noise-Cancelling Headphones', sku: 'HEADPHONES', price: 24999, quantity: 1, daysAgo: 20 },
      { title: 'Whole Bean Coffee, 1 kg', sku: 'COFFEE-1KG', price: 2499, quantity: 1, daysAgo: 5 },
    ];
    const numbers: string[] = [];
    for (const [n, order] of orders.entries()) {
      const subtotal = order.price * order.quantity;
      const created = await storePost(key, '/orders', {
        idempotency_key: `browser-test-${n}`,
        customer: { email },
        currency: 'USD',
        items: [{ sku: order.sku, title: order.title, quantity: order.quantity, unit_price: order.price }],
        shipping_address: shipTo,
        payment_method: { card_id: card.customer.cards[0].id },
        totals: { subtotal, shipping: 0, tax: 0, total: subtotal },
        placed_at: new Date(now - order.daysAgo * DAY).toISOString(),
      });
      numbers.push(created.order.number);
    }
    for (const status of ['paid', 'shipped', 'delivered']) await storePost(key, `/orders/${numbers[1]}/status`, { status });

    await page.goto('/account');
    await page.getByRole('link', { name: /Your Orders/ }).click();
    await rig.heading(page, 'Your Orders');
    await page.getByText('Noise-Cancelling Headphones').waitFor();
    await screenshot(page, 'orders-01-your-orders');
    await page.getByLabel(/Search/).first().fill('coffee');
    await page.getByRole('button', { name: 'Search orders' }).click();
    expect(await page.getByText('Noise-Cancelling Headphones').count()).toBe(0);
    expect(await page.getByText('Whole Bean Coffee, 1 kg').count()).toBe(2);

    await page.goto('/orders');
    await page.getByRole('link', { name: /View order details/ }).nth(1).click();
    await rig.heading(page, 'Order details');
    await page.getByText('Visa').first().waitFor();
    await page.getByText('$249.99').first().waitFor();
    await screenshot(page, 'orders-02-order-details');

    await page.goto('/orders/spending');
    await rig.heading(page, 'Your spending');
    await page.getByRole('img').first().waitFor();
    await screenshot(page, 'orders-03-spending');

    await page.goto('/orders');
    await page.getByRole('link', { name: /View order details/ }).first().click();
    await rig.heading(page, 'Order details');
    await page.getByRole('link', { name: "I don't recognise this order" }).click();
    await screenshot(page, 'orders-04-not-recognised');
    await page.getByRole('button', { name: 'Yes, report this order' }).click();
    await page.waitForURL(/\/account\/secure/);
    await screenshot(page, 'orders-05-secure-account');
    await context.close();
  });
});
