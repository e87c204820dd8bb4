import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The browser tests drive the Debian Chromium package, not a browser downloaded by Playwright. Without it the
 * suite is skipped on a developer's machine and fails in CI, where a missing browser must not pass silently.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumInstalled = existsSync(CHROMIUM_PATH);
export const MISSING_CHROMIUM = `The browser tests need Chromium at ${CHROMIUM_PATH} (Debian: apt-get install chromium).`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));

/** A full-page picture of what the customer sees, for a person to look at after the run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}
