import { describe, expect, it } from 'vitest';
import { MINUTE } from '../src/platform/clock.js';
import { codeIn, recipients } from '../test/helpers/mail-server.js';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';

/**
 * Passkeys in a real browser: Chromium's virtual authenticator (over the DevTools protocol) plays the phone or
 * laptop, with a discoverable credential and user verification. WebAuthn needs a secure context and an RP ID
 * matching the page's host, and an IP address is never an RP ID: so the app is served and browsed at
 * http://localhost (a secure context), and PUBLIC_URL names that same origin.
 */
const skip = skipWithoutChromium('the passkey journey');

const PASSWORD = 'velvet harbour lantern quietly';

describe.skipIf(skip)('passkeys in a real browser', () => {
  const rig = useBrowserRig({ host: 'localhost' });

  it('adds a passkey on Login & Security, then signs in with it alone', async () => {
    const { context, page } = await rig.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });

    const email = 'pat@example.com';
    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Pat Lee');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create your account' }).click();
    await rig.heading(page, 'Check your email');
    const confirmation = await rig.mail.waitForMail('confirmation email', (m) => m.subject === 'Confirm your email address' && recipients(m).includes(email));
    await page.getByLabel('Enter the 6-digit code').fill(codeIn(confirmation));
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await rig.heading(page, 'Your Account');

    // Long enough after signing up that adding a passkey asks for the password again (ASVS 7.5.1).
    rig.live.clock.advance(11 * MINUTE);
    await page.getByRole('link', { name: /Login & Security/ }).click();
    await rig.heading(page, 'Login & Security');
    await page.getByRole('link', { name: 'Manage passkeys' }).click();
    await rig.heading(page, 'Passkeys');
    await page.getByText("You haven't added a passkey yet.").waitFor();
    await page.getByLabel('Name for this passkey').fill('This laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();

    await rig.heading(page, 'Confirm your password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(page, 'Passkeys');
    await page.getByLabel('Name for this passkey').fill('This laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Your passkey was added.' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'This laptop' }).waitFor();
    await screenshot(page, 'passkeys-01-added');
    await rig.mail.waitForMail('passkey notice', (m) => m.subject === 'A passkey was added' && recipients(m).includes(email));
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('/');
    await page.goto('/signin');
    await rig.heading(page, 'Sign in');
    await screenshot(page, 'passkeys-02-sign-in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL('/account');
    await rig.heading(page, 'Your Account');
    const session = await page.request.get('/api/v1/session');
    expect((await session.json()).session.factors).toEqual(['passkey']);

    await context.close();
  }, 60_000);

  it('without JavaScript, the passkey buttons stay hidden and say why', async () => {
    const context = await rig.browser.newContext({ baseURL: rig.live.baseUrl, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByText('Passkeys need JavaScript.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0);
    await context.close();
  });
});
