import { describe, expect, it } from 'vitest';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';
import { linkIn, recipients } from '../test/helpers/mail-server.js';

/**
 * "Is this message really from us?" in a real browser: a message travels over SMTP to a server in this test, and
 * its reference — read from the received email — is checked on the public page; a made-up one is not ours.
 */
const skip = skipWithoutChromium('the browser message-check test');
const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('checking a message in a real browser', () => {
  const rig = useBrowserRig();

  it('a real reference from a received email is "Yes, we sent this"; a fake one is "no record"', async () => {
    const email = 'nora@example.com';
    const { context, page } = await rig.newPage();
    await rig.signUp(page, { name: 'Nora Quist', email, password: PASSWORD });

    // Set a personal phrase; the notice of the change is the email whose reference gets checked.
    await page.getByRole('link', { name: /Messages from us/ }).click();
    await rig.heading(page, 'Messages from us');
    await page.getByRole('link', { name: 'Set a personal phrase' }).click();
    await rig.heading(page, 'Your personal phrase');
    await page.getByLabel('Personal phrase').fill('silver heron');
    await page.getByRole('button', { name: 'Save phrase' }).click();
    await rig.heading(page, 'Messages from us');
    await page.getByText('Your personal phrase was saved.').waitFor();

    const notice = await rig.mail.waitForMail('phrase notice', (m) => m.subject === 'Your personal phrase was changed' && recipients(m).includes(email));
    expect(notice.text?.startsWith('Your personal phrase: silver heron')).toBe(true);
    const reference = /Message reference: ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(notice.text ?? '')![1]!;
    // The reference is on the customer's own list too.
    await page.reload();
    await page.getByRole('link', { name: reference }).waitFor();

    // Opened from the email, in a browser with nobody signed in.
    const stranger = await rig.browser.newContext({ baseURL: rig.live.baseUrl });
    const tab = await stranger.newPage();
    await tab.goto(linkIn(notice, `${rig.live.baseUrl}/check?ref=`));
    await rig.heading(tab, 'Is this message really from us?');
    await tab.getByRole('heading', { name: 'Yes, we sent this' }).waitFor();
    await tab.getByText('n•••@e•••.com').waitFor();
    await screenshot(tab, 'message-check-01-yes');

    // Typed in by hand, lower case, with a space for the dash: the same answer.
    await tab.getByLabel('Message reference').fill(reference.toLowerCase().replace('-', ' '));
    await tab.getByRole('button', { name: 'Check' }).click();
    await tab.getByRole('heading', { name: 'Yes, we sent this' }).waitFor();

    // A made-up reference, as a phisher would print: not ours, and what to do.
    await tab.getByLabel('Message reference').fill('QWERT-12345');
    await tab.getByRole('button', { name: 'Check' }).click();
    await tab.getByRole('heading', { name: 'We have no record of this: it is not from us' }).waitFor();
    await tab.getByText("Don't click its links or open its attachments.").waitFor();
    await screenshot(tab, 'message-check-02-no-record');
    await stranger.close();

    // The customer reports the fake one.
    await page.goto('/account/messages/report');
    await rig.heading(page, 'Report a suspicious message');
    await page.getByLabel('The message').fill('Your account is locked. Sign in at https://custos-verify.example. Message reference: QWERT-12345');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByText('Thank you: we received your report.').waitFor();
    await rig.mail.waitForMail('report acknowledgement', (m) => m.subject === 'We received your report of a suspicious message' && recipients(m).includes(email));
    await context.close();
  });
});
