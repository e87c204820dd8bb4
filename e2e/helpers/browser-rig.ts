import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { codeIn, recipients, startMailServer, type MailServer } from '../../test/helpers/mail-server.js';
import { chromiumInstalled, launchChromium, MISSING_CHROMIUM } from './chromium.js';
import { startLiveApp, type LiveApp } from './live-app.js';

/**
 * What every browser test stands on: a real SMTP server, the app listening on a real port and sending to it, and
 * Chromium. Call inside a `describe`; the parts start before its tests and stop after them.
 */
export interface BrowserRig {
  readonly mail: MailServer;
  readonly live: LiveApp;
  readonly browser: Browser;
  /** A fresh browser profile (its own cookies) on the app, with a 10 s limit per step. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** Waits for the page's main heading, as a screen-reader user would find it. */
  heading(page: Page, name: string): Promise<void>;
  /** Creates an account through the sign-up pages and the emailed code; ends signed in on Your Account. */
  signUp(page: Page, person: { name: string; email: string; password: string }): Promise<void>;
}

export function useBrowserRig(options: { host?: '127.0.0.1' | 'localhost' } = {}): BrowserRig {
  let mail: MailServer | undefined;
  let live: LiveApp | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!chromiumInstalled) throw new Error(MISSING_CHROMIUM);
    mail = await startMailServer();
    live = await startLiveApp({ smtpUrl: mail.url, host: options.host });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
    await mail?.close();
  });

  const started = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error('The browser rig is used before it started (outside a test?)');
    return part;
  };
  return {
    get mail() {
      return started(mail);
    },
    get live() {
      return started(live);
    },
    get browser() {
      return started(browser);
    },
    async newPage() {
      const context = await started(browser).newContext({ baseURL: started(live).baseUrl, viewport: { width: 1100, height: 800 } });
      // Every page here is served locally in milliseconds; a step still waiting after 10 s has failed.
      context.setDefaultTimeout(10_000);
      return { context, page: await context.newPage() };
    },
    async heading(page, name) {
      await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
    },
    async signUp(page, person) {
      await page.goto('/signup');
      await page.getByLabel('Your name').fill(person.name);
      await page.getByLabel('Email address').fill(person.email);
      await page.getByLabel('Password', { exact: true }).fill(person.password);
      await page.getByRole('button', { name: 'Create your account' }).click();
      await this.heading(page, 'Check your email');
      const message = await started(mail).waitForMail(`confirmation email to ${person.email}`, (m) => m.subject === 'Confirm your email address' && recipients(m).includes(person.email));
      await page.getByLabel('Enter the 6-digit code').fill(codeIn(message));
      await page.getByRole('button', { name: 'Confirm and continue' }).click();
      await this.heading(page, 'Your Account');
    },
  };
}

/** Outside CI a machine without Chromium skips the browser tests (with a warning); in CI it fails them. */
export function skipWithoutChromium(what: string): boolean {
  const skip = !chromiumInstalled && !process.env.CI;
  if (skip) console.warn(`Skipping ${what}: ${MISSING_CHROMIUM}`);
  return skip;
}
