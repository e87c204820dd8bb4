import { describe, expect, it } from 'vitest';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';

/**
 * A deep link opened while signed out, in a real browser with JavaScript turned off: the guard sends it to sign
 * in, sign-in comes back to the page asked for, and that page's own return_to (an address added for a checkout)
 * is where adding the address ends. Nothing here may depend on a script.
 */
const skip = skipWithoutChromium('the return-to browser test');

const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('back where the customer was going, without JavaScript', () => {
  const rig = useBrowserRig();

  it('a signed-out deep link to "add an address" (for Your Orders) signs in, adds the address, and lands on Your Orders', async () => {
    const email = 'rosa@example.com';
    const { context: signupContext, page: signupPage } = await rig.newPage();
    await rig.signUp(signupPage, { name: 'Rosa Park', email, password: PASSWORD });
    await signupContext.close();

    const context = await rig.browser.newContext({ baseURL: rig.live.baseUrl, viewport: { width: 1100, height: 800 }, javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();

    await page.goto('/account/addresses/new?return_to=%2Forders%3Fpage%3D1');
    await rig.heading(page, 'Sign in');
    expect(new URL(page.url()).searchParams.get('return_to')).toBe('/account/addresses/new?return_to=%2Forders%3Fpage%3D1');
    await screenshot(page, 'return-to-01-signin');
    await page.getByLabel('Email or mobile phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(page, 'Sign in');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await rig.heading(page, 'Add an address');
    expect(new URL(page.url()).pathname).toBe('/account/addresses/new');
    await page.getByLabel('Full name').fill('Rosa Park');
    await page.getByLabel('Address line 1').fill('500 Howard St');
    await page.getByLabel('City').fill('San Francisco');
    await page.getByLabel('State').selectOption('CA');
    await page.getByLabel('ZIP code').fill('94105');
    await screenshot(page, 'return-to-02-address-for-checkout');
    await page.getByRole('button', { name: 'Add address' }).click();

    await rig.heading(page, 'Your Orders');
    const landed = new URL(page.url());
    expect(`${landed.pathname}${landed.search}`).toBe('/orders?page=1');
    await screenshot(page, 'return-to-03-landed');

    // A hostile return_to on the sign-in page is dropped: the same customer ends on Your Account.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.goto('/signin?return_to=%2F%2Fevil.example');
    await page.getByLabel('Email or mobile phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await rig.heading(page, 'Your Account');
    expect(new URL(page.url()).origin).toBe(rig.live.baseUrl);
    await context.close();
  });
});
