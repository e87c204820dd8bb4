import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';
import { linkIn, recipients } from '../test/helpers/mail-server.js';

/**
 * "Your data" in a real browser: ask for a copy, receive the email over SMTP, open its link while signed in and
 * get the JSON file; then close the account through the pages, sign in again within the grace period, choose to
 * reopen it and land on Your Account.
 */
const skip = skipWithoutChromium('the browser "Your data" test');
const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('your data in a real browser', () => {
  const rig = useBrowserRig();

  it('downloads the data from the emailed link, signed in', async () => {
    const email = 'iris@example.com';
    const { context, page } = await rig.newPage();
    await rig.signUp(page, { name: 'Iris Kowalski', email, password: PASSWORD });

    await page.getByRole('link', { name: /Your data/ }).click();
    await rig.heading(page, 'Download your data');
    await screenshot(page, 'your-data-01-download-your-data');
    await page.getByRole('button', { name: 'Ask for a copy of my data' }).click();
    await page.getByText('We are preparing a copy of your data.').waitFor();

    // The background job (every minute in production) runs now.
    await rig.live.app.jobs.runDue();
    const message = await rig.mail.waitForMail('data ready email', (m) => m.subject === 'Your data is ready to download' && recipients(m).includes(email));
    const link = linkIn(message, `${rig.live.baseUrl}/account/data/download?`);

    // Opened in a new tab of the signed-in browser: the file is downloaded, not shown.
    const tab = await context.newPage();
    const downloading = tab.waitForEvent('download');
    await tab.goto(link).catch(() => undefined);
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^custos-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(data.profile.name).toBe('Iris Kowalski');
    expect(data.identifiers.map((i: { value: string }) => i.value)).toContain(email);

    // The same link in another browser, signed out, only leads to the sign-in page.
    const { page: stranger } = await rig.newPage();
    await stranger.goto(link);
    await rig.heading(stranger, 'Sign in');
  });

  it('closes the account through the pages, then reopens it by signing in within the grace period', async () => {
    const email = 'omar@example.com';
    const { page } = await rig.newPage();
    await rig.signUp(page, { name: 'Omar Haddad', email, password: PASSWORD });

    await page.goto('/account/data');
    await page.getByRole('link', { name: 'Close your account' }).click();
    await rig.heading(page, 'Close your account');
    await page.getByText('Your email address and phone number are then held for').waitFor();
    await page.getByLabel('I understand: close my account.').check();
    await screenshot(page, 'your-data-02-close-your-account');
    await page.getByRole('button', { name: 'Close my account' }).click();
    await rig.heading(page, 'Your account is closed');
    await rig.mail.waitForMail('closed notice', (m) => m.subject === 'Your account is closed' && recipients(m).includes(email));

    rig.live.clock.advance(3 * 24 * 60 * 60 * 1000);
    await page.goto('/signin');
    await page.getByLabel('Email or mobile phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rig.heading(page, 'Your account is closed — reopen it?');
    await screenshot(page, 'your-data-03-reopen-it');
    await page.getByRole('button', { name: 'Reopen my account' }).click();
    await rig.heading(page, 'Your Account');
    await rig.mail.waitForMail('reopened notice', (m) => m.subject === 'Your account is open again' && recipients(m).includes(email));
  });
});
