import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../src/methods/totp/totp.js';
import { MINUTE } from '../src/platform/clock.js';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';
import { codeIn, recipients } from '../test/helpers/mail-server.js';

/**
 * Two-step verification in a real browser: turn on an authenticator app from Login & Security, then sign in
 * with the password and the app's code. The test plays the authenticator app, computing each code from the key
 * the page shows at the app's own (manual) clock time.
 */
const skip = skipWithoutChromium('the two-step browser test');

const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('two-step verification in a real browser', () => {
  const rig = useBrowserRig();

  /** The code an authenticator app would show now, by the app's clock. */
  function appCode(key: string): string {
    return totpCodeAt(key, rig.live.clock.now());
  }

  it('turns on an authenticator app, then signs in with the password and its code', async () => {
    const email = 'alex@example.com';
    const { context, page } = await rig.newPage();

    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Alex Doe');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create your account' }).click();
    await rig.heading(page, 'Check your email');
    const message = await rig.mail.waitForMail(`confirmation email to ${email}`, (m) => m.subject === 'Confirm your email address' && recipients(m).includes(email));
    await page.getByLabel('Enter the 6-digit code').fill(codeIn(message));
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await rig.heading(page, 'Your Account');

    await page.getByRole('link', { name: /Login & Security/ }).click();
    await rig.heading(page, 'Login & Security');
    await page.getByRole('link', { name: 'Turn on two-step verification' }).click();
    await rig.heading(page, 'Two-step verification');

    // Long enough after signing up that adding a sign-in method asks for the password again.
    rig.live.clock.advance(rig.live.app.deps.config.stepUpMinutes * MINUTE + 1000);
    await page.getByRole('link', { name: 'Add an authenticator app' }).click();
    await rig.heading(page, 'Confirm your password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(page, 'Add an authenticator app');
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    await screenshot(page, 'two-step-01-authenticator');

    const key = ((await page.locator('code.totp-key').textContent()) ?? '').replace(/\s+/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Enter the 6-digit code the app shows').fill(appCode(key));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await rig.heading(page, 'Your backup codes');
    await page.getByRole('status').filter({ hasText: 'Your authenticator app is set up.' }).waitFor();
    expect(await page.getByRole('list', { name: 'Backup codes' }).getByRole('listitem').count()).toBe(10);
    await screenshot(page, 'two-step-02-backup-codes');
    await page.getByRole('link', { name: "I've saved my codes" }).click();
    await rig.heading(page, 'Two-step verification');
    await page.getByRole('heading', { level: 3, name: 'Authenticator app' }).waitFor();
    await screenshot(page, 'two-step-03-overview');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('/');

    // A new 30-second step, so the app shows a code not yet used.
    rig.live.clock.advance(MINUTE);
    await page.goto('/signin');
    await page.getByLabel('Email or mobile phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rig.heading(page, 'Two-step verification');
    expect(new URL(page.url()).pathname).toBe('/signin/verify');
    await screenshot(page, 'two-step-04-verify');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'two-step-04-verify-narrow');
    await page.setViewportSize({ width: 1100, height: 800 });

    // "Try another way" and back again.
    await page.getByRole('link', { name: 'Use a backup code' }).click();
    await page.getByLabel('Backup code').waitFor();
    await screenshot(page, 'two-step-05-verify-backup-code');
    await page.getByRole('link', { name: 'Use your authenticator app' }).click();

    await page.getByLabel('Enter the 6-digit code from your authenticator app').fill(appCode(key));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('/account');
    await rig.heading(page, 'Your Account');

    await context.close();
  }, 60_000);
});
