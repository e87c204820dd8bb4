import type { ParsedMail } from 'mailparser';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';
import { codeIn, linkIn, recipients } from '../test/helpers/mail-server.js';

/**
 * A customer's journey in a real browser: Chromium talks HTTP to the running app, the app sends its mail over
 * SMTP to a server in this test, and the test reads each email as it arrives. Elements are found by their role
 * and accessible name, as assistive technology finds them.
 */
const skip = skipWithoutChromium('the browser journey');

const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('a customer in a real browser', () => {
  const rig = useBrowserRig();

  function confirmationTo(email: string): Promise<ParsedMail> {
    return rig.mail.waitForMail(`confirmation email to ${email}`, (m) => m.subject === 'Confirm your email address' && recipients(m).includes(email));
  }


  /** Sign-up up to "Check your email", typed with the keyboard: Tab between fields, Enter to submit. */
  async function startSignUp(page: Page, person: { name: string; email: string }, shots = false): Promise<void> {
    await page.goto('/');
    if (shots) await screenshot(page, '01-home');
    await page.getByRole('main').getByRole('link', { name: 'Create account' }).click();
    await rig.heading(page, 'Create account');
    await page.getByLabel('Your name').focus();
    await page.keyboard.type(person.name);
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('email');
    await page.keyboard.type(person.email);
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('phone');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('password');
    await page.keyboard.type(PASSWORD);
    if (shots) await screenshot(page, '02-create-account');
    await page.keyboard.press('Enter');
    await rig.heading(page, 'Check your email');
  }

  /** Moves the app's clock on a little, so each step's activity has its own moment and lists in order. */
  function later(): void {
    rig.live.clock.advance(1000);
  }

  async function signIn(page: Page, email: string): Promise<void> {
    later();
    await page.goto('/signin');
    await page.getByLabel('Email or mobile phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('/account');
    await rig.heading(page, 'Your Account');
  }

  function sessionsList(page: Page) {
    return page.getByRole('region', { name: "Where you're signed in" }).getByRole('listitem');
  }

  it('signs up with the emailed code, signs in and out, and signs out another browser', async () => {
    const email = 'jane@example.com';
    const { context: laptop, page } = await rig.newPage();
    await startSignUp(page, { name: 'Jane Doe', email }, true);
    await screenshot(page, '03-check-your-email');

    const message = await confirmationTo(email);
    expect(message.from?.value[0]?.address).toBe('no-reply@custos.test');
    const code = codeIn(message);
    expect(message.text).toContain(code);
    expect(typeof message.html === 'string' && message.html.includes(code)).toBe(true);

    await page.getByLabel('Enter the 6-digit code').fill(code);
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.waitForURL('/account?welcome=1');
    await rig.heading(page, 'Your Account');
    await page.getByRole('status').filter({ hasText: 'Welcome! Your account is ready.' }).waitFor();
    await screenshot(page, '04-your-account');

    await page.getByRole('link', { name: /Login & Security/ }).click();
    await rig.heading(page, 'Login & Security');
    later();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('/');
    await page.getByRole('main').getByRole('link', { name: 'Create account' }).waitFor();

    await signIn(page, email);
    await page.goto('/account/security');
    await expectCount(sessionsList(page), 1);
    await sessionsList(page).filter({ hasText: 'This device' }).waitFor();
    await screenshot(page, '05-login-and-security');

    await page.getByRole('link', { name: 'View login activity' }).click();
    await rig.heading(page, 'Login activity');
    await page.getByRole('table', { name: /Your most recent activity/ }).getByRole('row').filter({ hasText: 'This session' }).waitFor();
    await screenshot(page, '06-login-activity');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, '06-login-activity-narrow');
    await page.setViewportSize({ width: 1100, height: 800 });

    const { context: phone, page: phonePage } = await rig.newPage();
    await signIn(phonePage, email);

    await page.goto('/account/security');
    await expectCount(sessionsList(page), 2);
    later();
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.getByRole('status').filter({ hasText: 'You were signed out everywhere else.' }).waitFor();
    await expectCount(sessionsList(page), 1);
    await sessionsList(page).filter({ hasText: 'This device' }).waitFor();

    await phonePage.goto('/account');
    expect(new URL(phonePage.url()).pathname).toBe('/signin');
    await rig.heading(phonePage, 'Sign in');
    await screenshot(phonePage, '07-signed-out-elsewhere');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('/');
    await page.goto('/account');
    expect(new URL(page.url()).pathname).toBe('/signin');

    await phone.close();
    await laptop.close();
  }, 60_000);

  it('confirms by the emailed link in another browser only once the sign-up’s password is typed there', async () => {
    const email = 'sam@example.com';
    const { context: started, page: startedPage } = await rig.newPage();
    await startSignUp(startedPage, { name: 'Sam Roe', email });

    const message = await confirmationTo(email);
    const link = linkIn(message, `${rig.live.baseUrl}/signup/confirm/link?`);
    expect(message.html).toContain(`href="${link.replaceAll('&', '&amp;')}"`);

    // Pre-hijacking: this browser did not start the sign-up, so it must show it knows the password chosen then.
    const { context: elsewhere, page } = await rig.newPage();
    await page.goto(link);
    await rig.heading(page, 'Confirm your email address');
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.getByText('Enter the password you chose when you started creating this account.').first().waitFor();
    await screenshot(page, '08-confirm-elsewhere-needs-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.waitForURL('/account?welcome=1');
    await rig.heading(page, 'Your Account');

    await elsewhere.close();
    await started.close();
  }, 60_000);
});

async function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.id);
}

/** The page is server-rendered and has loaded, so one count is final; nothing on it changes afterwards. */
async function expectCount(locator: Locator, count: number): Promise<void> {
  expect(await locator.count()).toBe(count);
}
