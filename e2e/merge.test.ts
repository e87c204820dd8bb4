import { describe, expect, it } from 'vitest';
import { createStoreKey } from '../src/merchants/store-keys.js';
import { DAY } from '../src/platform/clock.js';
import { codeIn, recipients } from '../test/helpers/mail-server.js';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';

/**
 * Merging two accounts in a real browser: each account has an order the shop placed through the store API; signed in
 * to A, the customer names B, types B's password and the code emailed to B, checks the preview and merges; A's Your
 * Orders then shows both orders.
 */
const skip = skipWithoutChromium('the merge browser test');

const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('merging two accounts in a real browser', () => {
  const rig = useBrowserRig();

  async function placeOrder(key: string, email: string, title: string, n: number): Promise<string> {
    const response = await fetch(`${rig.live.baseUrl}/api/store/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        idempotency_key: `merge-browser-${n}`,
        customer: { email },
        currency: 'USD',
        items: [{ sku: `SKU-${n}`, title, quantity: 1, unit_price: 1500 }],
        shipping_address: { full_name: 'Nia Okafor', line1: '1 Main St', city: 'Springfield', region: 'IL', postal_code: '62701', country: 'US' },
        totals: { subtotal: 1500, shipping: 0, tax: 0, total: 1500 },
        placed_at: new Date(rig.live.clock.now() - n * DAY).toISOString(),
      }),
    });
    const json = (await response.json()) as Record<string, any>;
    if (!response.ok) throw new Error(`order: ${response.status} ${JSON.stringify(json)}`);
    return json.order.number as string;
  }

  it('merges B into A through the pages (B’s password and emailed code), then A’s Your Orders shows both orders', async () => {
    const a = 'nia@example.com';
    const b = 'nia.old@example.com';
    const { page: pageB } = await rig.newPage();
    await rig.signUp(pageB, { name: 'Nia Okafor', email: b, password: PASSWORD });
    const { page } = await rig.newPage();
    await rig.signUp(page, { name: 'Nia Okafor', email: a, password: PASSWORD });

    const { plaintext: key } = await createStoreKey(rig.live.app.deps, 'Merge test shop');
    const numberA = await placeOrder(key, a, 'Ceramic Teapot', 1);
    const numberB = await placeOrder(key, b, 'Linen Tea Towels', 2);

    await page.goto('/account/merge');
    await rig.heading(page, 'Merge another account into this one');
    await page.getByLabel('Email or mobile phone number of the other account').fill(b);
    await page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(page, 'Sign in to the other account');
    await page.getByLabel('Its password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    const message = await rig.mail.waitForMail('merge code', (m) => recipients(m).includes(b) && /merge/i.test(m.subject ?? ''));
    await page.getByLabel('Enter the 6-digit code').fill(codeIn(message));
    await page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(page, 'Check what moves');
    await page.getByText(numberB, { exact: false }).waitFor();
    await screenshot(page, 'merge-01-preview');
    await page.getByRole('button', { name: 'Merge and close the other account' }).click();

    await rig.heading(page, 'Your Orders');
    await page.getByText(numberA).first().waitFor();
    await page.getByText(numberB).first().waitFor();
    await screenshot(page, 'merge-02-both-orders');
    expect(await page.getByText('Linen Tea Towels').count()).toBeGreaterThan(0);

    // B's own browser was signed out by the merge.
    await pageB.goto('/account');
    expect(new URL(pageB.url()).pathname).toBe('/signin');
  });
});
