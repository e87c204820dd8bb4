import { describe, expect, it } from 'vitest';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';
import { codeIn, linkIn, recipients } from '../test/helpers/mail-server.js';

/**
 * "Forgot your password?" in a real browser: the reset email travels over SMTP to a server in this test, and
 * the customer opens the link from it, chooses a new password and signs in with it. Elements are found by role
 * and accessible name.
 */
const skip = skipWithoutChromium('the browser recovery test');

const OLD_PASSWORD = 'velvet harbour lantern quietly';
const NEW_PASSWORD = 'copper meadow violin sunrise';

describe.skipIf(skip)('forgot password in a real browser', () => {
  const rig = useBrowserRig();


  it('signs up, signs out, resets the password by the emailed link and signs in with the new one', async () => {
    const email = 'rosa@example.com';
    const { context, page } = await rig.newPage();

    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Rosa Diaz');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(OLD_PASSWORD);
    await page.getByRole('button', { name: 'Create your account' }).click();
    await rig.heading(page, 'Check your email');
    const confirmation = await rig.mail.waitForMail('confirmation email', (m) => m.subject === 'Confirm your email address' && recipients(m).includes(email));
    await page.getByLabel('Enter the 6-digit code').fill(codeIn(confirmation));
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await rig.heading(page, 'Your Account');

    rig.live.clock.advance(1000);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('/');

    await page.goto('/signin');
    await page.getByLabel('Email or mobile phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await rig.heading(page, 'Forgot your password?');
    await page.getByLabel('Email or mobile phone number').fill(email);
    await screenshot(page, 'recovery-01-forgot-password');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await rig.heading(page, 'Enter your code');
    await page.getByText('If that belongs to an account, we sent a code to it.').waitFor();
    await screenshot(page, 'recovery-02-enter-your-code');

    const message = await rig.mail.waitForMail('reset email', (m) => m.subject === 'Reset your password' && recipients(m).includes(email));
    const link = linkIn(message, `${rig.live.baseUrl}/recovery/password/link?`);
    expect(message.html).toContain(`href="${link.replaceAll('&', '&amp;')}"`);

    // The customer opens the email on the same computer: the link, in a new tab.
    const tab = await context.newPage();
    await tab.goto(link);
    await rig.heading(tab, 'Reset your password');
    await tab.getByRole('button', { name: 'Choose a new password' }).click();
    await rig.heading(tab, 'Choose a new password');
    await tab.getByLabel('New password').fill(NEW_PASSWORD);
    // The strength meter checks as on sign-up, with the address the server will also refuse.
    await tab.locator('#password-meter').filter({ hasText: /strong/i }).waitFor();
    await screenshot(tab, 'recovery-03-choose-a-new-password');
    await tab.getByRole('button', { name: 'Change password' }).click();
    await tab.waitForURL('/recovery/password/done');
    await rig.heading(tab, 'Password changed');
    await tab.getByText('Your password was changed and every device was signed out. Sign in with your new password.').waitFor();
    await screenshot(tab, 'recovery-04-password-changed');

    // Not signed in by the reset: Your Account asks to sign in.
    await tab.goto('/account');
    expect(new URL(tab.url()).pathname).toBe('/signin');

    rig.live.clock.advance(1000);
    await tab.getByLabel('Email or mobile phone number').fill(email);
    await tab.getByRole('button', { name: 'Continue' }).click();
    await tab.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL('/account');
    await rig.heading(tab, 'Your Account');

    // Every entry of Login activity offers "This wasn't me", which explains before it does anything.
    await tab.goto('/account/activity');
    const rows = tab.getByRole('table', { name: /Your most recent activity/ }).getByRole('row');
    const notMe = tab.getByRole('link', { name: /^This wasn't me/ });
    expect(await notMe.count()).toBe((await rows.count()) - 1);
    await screenshot(tab, 'recovery-05-login-activity');
    await notMe.first().click();
    await rig.heading(tab, 'Secure your account');
    await screenshot(tab, 'recovery-06-secure-your-account');
    await tab.getByRole('button', { name: 'Secure my account' }).click();
    await rig.heading(tab, 'Your account is secured');
    await tab.locator('.recent-changes').filter({ hasText: 'Signed in' }).waitFor();
    await screenshot(tab, 'recovery-07-account-secured');
    await tab.goto('/account');
    expect(new URL(tab.url()).pathname).toBe('/signin');

    await context.close();
  }, 60_000);
});
