import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../src/methods/totp/totp.js';
import { codeIn, recipients } from '../test/helpers/mail-server.js';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';

/**
 * The support console in a real browser, from the shell's first admin to an agent ending a caller's sessions:
 * the admin is made by `node dist/cli/staff.js create` against this test's database, sets up with a passkey
 * (Chromium's virtual authenticator) and signs in with password + passkey; creates an agent and a supervisor;
 * the agent sets up with an authenticator app (the code computed from the shown key), finds the customer by a
 * phone typed in another format, checks the caller with a code emailed to the address on file (read from the
 * real SMTP server), and ends the customer's sessions, after which the customer's browser is signed out.
 * Screenshots of the console go to /work/notes/shots/console-*.png for a person to look at.
 */
const skip = skipWithoutChromium('the support console journey');
const run = promisify(execFile);
const SHOTS = process.env.CONSOLE_SHOTS_DIR ?? '/work/notes/shots/';
const PASSWORD = 'velvet harbour lantern quietly';
const STAFF_PASSWORD = 'copper lantern drifts over marshland';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}console-${name}.png`, fullPage: true });
}

describe.skipIf(skip)('the support console in a real browser', () => {
  const rig = useBrowserRig({ host: 'localhost' });

  async function staffCli(...args: string[]): Promise<string> {
    const { database, baseUrl } = rig.live;
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent', PUBLIC_URL: baseUrl };
    const { stdout } = await run(process.execPath, ['dist/cli/staff.js', ...args], { env });
    return stdout;
  }

  function pathOf(link: string): string {
    const url = new URL(link);
    return `${url.pathname}${url.search}`;
  }

  it('admin (CLI, passkey) → agent and supervisor → agent verifies a caller and ends their sessions', async () => {
    // The customer: signed up through the pages, with a verified phone on file, signed in in their own browser.
    const customer = await rig.newPage();
    await rig.signUp(customer.page, { name: 'Ada Lovelace', email: 'ada.caller@example.com', password: PASSWORD });
    const accountId = (await rig.live.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'ada.caller@example.com').executeTakeFirstOrThrow()).account_id;
    const now = rig.live.clock.now();
    await rig.live.app.deps.db
      .insertInto('identifiers')
      .values({ id: `ph${accountId.slice(0, 20)}`, account_id: accountId, kind: 'phone', value: '+1 415 555 0147', normalized: '+14155550147', is_primary: 0, verified_at: now, created_at: now })
      .execute();

    // The first admin, from the shell.
    const created = await staffCli('create', '--email', 'morgan@support.example', '--name', 'Morgan Admin', '--role', 'admin');
    const adminLink = /^setup_link: (.+)$/m.exec(created)![1]!;

    const admin = await rig.newPage();
    const cdp = await admin.context.newCDPSession(admin.page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await admin.page.goto(pathOf(adminLink));
    await rig.heading(admin.page, 'Set up your access');
    await shot(admin.page, '01-setup');
    await admin.page.getByLabel('Choose a password').fill(STAFF_PASSWORD);
    await admin.page.getByLabel('Name for the passkey').fill('Morgan’s laptop');
    await admin.page.getByRole('button', { name: 'Finish with a passkey' }).click();
    await admin.page.waitForURL('/support/signin?notice=setup');
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1);

    await admin.page.getByLabel('Work email').fill('morgan@support.example');
    await admin.page.getByLabel('Password').fill(STAFF_PASSWORD);
    await shot(admin.page, '02-signin');
    await admin.page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(admin.page, 'Confirm it’s you');
    await admin.page.getByRole('button', { name: 'Use your passkey' }).click();
    await admin.page.waitForURL('/support');
    await rig.heading(admin.page, 'Support console');
    await admin.page.getByText('Signed in as Morgan Admin').waitFor();
    await shot(admin.page, '03-home-admin');

    // The admin adds an agent and a supervisor; each setup link is shown once.
    const links: Record<string, string> = {};
    await admin.page.getByRole('link', { name: 'Manage staff' }).click();
    await rig.heading(admin.page, 'Staff');
    for (const [name, email, role] of [['Alex Agent', 'alex@support.example', 'agent'], ['Sam Supervisor', 'sam@support.example', 'supervisor']] as const) {
      await admin.page.getByLabel('Name', { exact: true }).fill(name);
      await admin.page.getByLabel('Work email').fill(email);
      await admin.page.getByLabel('Role').selectOption(role);
      await admin.page.getByRole('button', { name: 'Add and show setup link' }).click();
      links[role] = (await admin.page.locator('code.setup-link').textContent())!.trim();
    }
    await shot(admin.page, '04-staff');
    expect(Object.keys(links)).toEqual(['agent', 'supervisor']);

    // The agent sets up with an authenticator app and signs in with its code.
    const agent = await rig.newPage();
    await agent.page.goto(pathOf(links.agent!));
    await rig.heading(agent.page, 'Set up your access');
    const key = (await agent.page.locator('.authenticator-key code').textContent())!.trim();
    await agent.page.getByLabel('Choose a password').fill(STAFF_PASSWORD);
    await agent.page.getByLabel('Enter the 6-digit code').fill(totpCodeAt(key, rig.live.clock.now()));
    await agent.page.getByRole('button', { name: 'Finish with the authenticator app' }).click();
    await agent.page.waitForURL('/support/signin?notice=setup');
    await agent.page.getByLabel('Work email').fill('alex@support.example');
    await agent.page.getByLabel('Password').fill(STAFF_PASSWORD);
    await agent.page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(agent.page, 'Enter your authenticator code');
    rig.live.clock.advance(30_000);
    await agent.page.getByLabel('Enter the 6-digit code').fill(totpCodeAt(key, rig.live.clock.now()));
    await agent.page.getByRole('button', { name: 'Sign in' }).click();
    await agent.page.waitForURL('/support');
    await agent.page.getByText('Signed in as Alex Agent').waitFor();

    // Find the caller by phone, typed as they said it; check them with a code to the email on file.
    await agent.page.getByRole('link', { name: 'Find customers' }).click();
    await rig.heading(agent.page, 'Find a customer');
    await agent.page.getByLabel('Email address, phone number or order number').fill('(415) 555-0147');
    await agent.page.keyboard.press('Enter');
    await agent.page.waitForURL(/\/support\/customers\?q=/);
    await shot(agent.page, '05-search');
    await agent.page.getByRole('link', { name: 'Ada', exact: true }).waitFor();
    await agent.page.getByRole('link', { name: 'Ada', exact: true }).click();
    await rig.heading(agent.page, 'Check who is calling');
    await agent.page.getByRole('radio', { name: /^Email to / }).check();
    await agent.page.getByLabel('Ticket reference').fill('T-2001');
    await shot(agent.page, '06-check');
    await agent.page.getByRole('button', { name: 'Send the code' }).click();
    await rig.heading(agent.page, 'Type the code the caller reads');
    const message = await rig.mail.waitForMail('support code', (m) => m.subject === 'Your Custos support code' && recipients(m).includes('ada.caller@example.com'));
    await agent.page.getByLabel('Enter the 6-digit code').fill(codeIn(message));
    await agent.page.getByRole('button', { name: 'Verify the caller' }).click();
    await rig.heading(agent.page, 'Ada Lovelace');
    await shot(agent.page, '07-customer');

    // The customer is still signed in, until the agent ends their sessions.
    await customer.page.goto('/account');
    await rig.heading(customer.page, 'Your Account');
    await agent.page.getByRole('button', { name: 'End all sessions' }).click();
    await agent.page.getByRole('status').first().waitFor();
    await shot(agent.page, '08-sessions-ended');
    await customer.page.goto('/account');
    await customer.page.waitForURL(/\/signin/);

    for (const part of [customer, admin, agent]) await part.context.close();
  }, 120_000);
});
