import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ManualClock, MINUTE } from '../src/platform/clock.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.js';
import { chromiumInstalled, launchChromium, MISSING_CHROMIUM, screenshot } from './helpers/chromium.js';
import { freePort } from './helpers/live-app.js';
import { codeIn, recipients, startMailServer, type MailServer } from './helpers/mail-server.js';

/**
 * Passkeys in a real browser: Chromium's virtual authenticator (over the DevTools protocol) plays the phone or
 * laptop, with a discoverable credential and user verification. WebAuthn needs a secure context and an RP ID
 * matching the page's host, and an IP address is never an RP ID: so the app is served and browsed at
 * http://localhost (a secure context), and PUBLIC_URL names that same origin.
 */
const skip = !chromiumInstalled && !process.env.CI;
if (skip) console.warn(`Skipping the passkey journey: ${MISSING_CHROMIUM}`);

const PASSWORD = 'velvet harbour lantern quietly';

interface LocalhostApp {
  baseUrl: string;
  app: App;
  clock: ManualClock;
  database: TestDatabase;
}

async function startOnLocalhost(smtpUrl: string): Promise<LocalhostApp> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: smtpUrl, MAIL_FROM: 'Custos <no-reply@custos.test>', PUBLIC_URL: baseUrl });
  // A real browser drops cookies whose expiry is already past, so the clock starts at today's time.
  const clock = new ManualClock(Date.now());
  const app = await buildApp({ config, db: database.db, clock });
  app.worker.start(200);
  await app.fastify.listen({ host: '127.0.0.1', port });
  return { baseUrl, app, clock, database };
}

describe.skipIf(skip)('passkeys in a real browser', () => {
  let mail: MailServer;
  let live: LocalhostApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!chromiumInstalled) throw new Error(MISSING_CHROMIUM);
    mail = await startMailServer();
    live = await startOnLocalhost(mail.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.app.close();
    await live?.database.close();
    await mail?.close();
  });

  async function heading(page: Page, name: string): Promise<void> {
    await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  }

  it('adds a passkey on Login & Security, then signs in with it alone', async () => {
    const context = await browser.newContext({ baseURL: live.baseUrl, viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
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
    await heading(page, 'Check your email');
    const confirmation = await mail.waitForMail('confirmation email', (m) => m.subject === 'Confirm your email address' && recipients(m).includes(email));
    await page.getByLabel('Enter the 6-digit code').fill(codeIn(confirmation));
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await heading(page, 'Your Account');

    // Long enough after signing up that adding a passkey asks for the password again (ASVS 7.5.1).
    live.clock.advance(11 * MINUTE);
    await page.getByRole('link', { name: /Login & Security/ }).click();
    await heading(page, 'Login & Security');
    await page.getByRole('link', { name: 'Manage passkeys' }).click();
    await heading(page, 'Passkeys');
    await page.getByText("You haven't added a passkey yet.").waitFor();
    await page.getByLabel('Name for this passkey').fill('This laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();

    await heading(page, 'Confirm your password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await heading(page, 'Passkeys');
    await page.getByLabel('Name for this passkey').fill('This laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Your passkey was added.' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'This laptop' }).waitFor();
    await screenshot(page, 'passkeys-01-added');
    await mail.waitForMail('passkey notice', (m) => m.subject === 'A passkey was added' && recipients(m).includes(email));
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('/');
    await page.goto('/signin');
    await heading(page, 'Sign in');
    await screenshot(page, 'passkeys-02-sign-in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL('/account');
    await heading(page, 'Your Account');
    const session = await page.request.get('/api/v1/session');
    expect((await session.json()).session.factors).toEqual(['passkey']);

    await context.close();
  }, 60_000);

  it('without JavaScript, the passkey buttons stay hidden and say why', async () => {
    const context = await browser.newContext({ baseURL: live.baseUrl, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByText('Passkeys need JavaScript.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0);
    await context.close();
  });
});
