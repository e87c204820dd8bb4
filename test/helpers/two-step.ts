import { expect } from 'vitest';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { MINUTE } from '../../src/platform/clock.js';
import { type TestApp } from './app.js';
import { type Browser, type PageResponse, signIn } from './browser.js';

/** Shared steps for the two-step page tests: what a person reads off the page, and the code their app would show. */

/** The setup key as the page shows it for typing in, without the spaces between groups. */
export function keyFrom(html: string): string {
  const shown = /<code class="totp-key">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1];
  if (!shown) throw new Error('no setup key on the page');
  return shown.replace(/ /g, '');
}

export function backupCodesFrom(html: string): string[] {
  return [...html.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((match) => match[1]!);
}

export function flowFrom(location: string): string {
  return new URL(location, 'http://x').searchParams.get('flow')!;
}

/**
 * Adds an authenticator app through the pages (the browser must have confirmed its password recently) and
 * returns its key and the backup codes shown straight after. The clock then moves past the code's time step,
 * so the next code the test computes is a new one (a code is accepted once).
 */
export async function addAuthenticator(t: TestApp, browser: Browser): Promise<{ key: string; codes: string[]; page: PageResponse }> {
  const enrol = await browser.get('/account/two-step/authenticator');
  expect(enrol.status).toBe(200);
  const key = keyFrom(enrol.body);
  const page = await browser.post('/account/two-step/authenticator', { code: totpCodeAt(key, t.clock.now()) });
  expect(page.status).toBe(200);
  const codes = backupCodesFrom(page.body);
  expect(codes).toHaveLength(10);
  t.clock.advance(MINUTE);
  return { key, codes, page };
}

/** Email and password through the pages; answers the redirect to the second step. */
export async function signInToSecondStep(browser: Browser, email: string): Promise<{ flow: string; location: string }> {
  const response = await signIn(browser, email);
  expect(response.status).toBe(303);
  expect(response.location).toMatch(/^\/signin\/verify\?flow=[\w-]+$/);
  return { flow: flowFrom(response.location!), location: response.location! };
}
