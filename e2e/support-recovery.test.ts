import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../src/platform/clock.js';
import { lastMessageTo } from '../test/helpers/app.js';
import { linkIn, recipients } from '../test/helpers/mail-server.js';
import { totpCodeAt } from '../src/methods/totp/totp.js';
import { setUpStaff } from '../test/helpers/staff.js';
import { seedCustomer, type Seeded } from '../test/support/support-fixtures.js';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';

/**
 * Supervised recovery in a real browser, for a customer who lost both their email and their phone: an agent
 * starts it in the console (ticket, order number, order total, postcode, new email), a supervisor — another
 * person — approves it there, and the clock moves. In one run the old email's owner cancels from the link in the
 * notice (read from the real SMTP server) and the job sends the new address nothing; in the other nobody cancels,
 * the job keeps the link back until the full wait has passed, and the new address's owner sets a password and
 * signs in with it. Staff are made by the test helpers (the CLI path is the support-console journey's).
 */
const skip = skipWithoutChromium('the supervised recovery journey');
const NEW_PASSWORD = 'amber kettle wanders past lighthouse';

describe.skipIf(skip)('supervised recovery in a real browser', () => {
  const rig = useBrowserRig({ host: 'localhost' });

  /** A browser signed in to the console, through its sign-in pages, as a fresh staff member of `role`. */
  async function staffBrowser(role: 'agent' | 'supervisor', name: string): Promise<{ page: Page; close: () => Promise<void> }> {
    const member = await setUpStaff(rig.live, { role, name });
    const { context, page } = await rig.newPage();
    await page.goto('/support/signin');
    await page.getByLabel('Work email').fill(member.email);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await rig.heading(page, 'Enter your authenticator code');
    // Setting up claimed this 30-second step's code.
    rig.live.clock.advance(30_000);
    await page.getByLabel('Enter the 6-digit code').fill(totpCodeAt(member.totpKey, rig.live.clock.now()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('/support');
    return { page, close: () => context.close() };
  }

  /** What a recovery may change, to compare before and after. */
  async function accountState(accountId: string) {
    const db = rig.live.app.deps.db;
    const account = await db.selectFrom('accounts').select(['status', 'password_hash']).where('id', '=', accountId).executeTakeFirstOrThrow();
    const identifiers = await db.selectFrom('identifiers').select(['kind', 'normalized', 'is_primary', 'verified_at']).where('account_id', '=', accountId).orderBy('normalized').execute();
    return { ...account, identifiers };
  }

  /** The agent starts, the supervisor approves; resolves once the wait is running. */
  async function startAndApprove(customer: Seeded, newEmail: string, ticket: string): Promise<void> {
    const agent = await staffBrowser('agent', `Alex ${ticket}`);
    // The caller can't take a code on any contact, so the agent goes from the (masked) customer page to the form.
    await agent.page.goto(`/support/customers/${customer.accountId}`);
    await agent.page.locator(`a[href="/support/customers/${customer.accountId}/recovery"]`).click();
    await rig.heading(agent.page, 'Start a supervised recovery');
    await agent.page.getByLabel('Ticket reference').fill(ticket);
    await agent.page.getByLabel('An order number the caller gives').fill(customer.order.number);
    await agent.page.getByLabel('That order’s total, as on the receipt').fill('42.50');
    await agent.page.getByLabel('A postcode on the account').fill('62704');
    await agent.page.getByLabel('The new email address the caller gives').fill(newEmail);
    await agent.page.getByRole('button', { name: 'Ask a supervisor to approve' }).click();
    await rig.heading(agent.page, `Recovery for ticket ${ticket}`);
    const recoveryPath = new URL(agent.page.url()).pathname;
    await agent.page.getByText('Waiting for a supervisor').waitFor();
    expect(await agent.page.getByRole('button', { name: 'Approve and start the wait' }).count()).toBe(0);
    await agent.close();

    const supervisor = await staffBrowser('supervisor', `Sam ${ticket}`);
    await supervisor.page.goto('/support/recoveries');
    await supervisor.page.locator(`a[href="${recoveryPath}"]`).click();
    await rig.heading(supervisor.page, `Recovery for ticket ${ticket}`);
    await supervisor.page.getByRole('button', { name: 'Approve and start the wait' }).click();
    await supervisor.page.locator('[data-state="waiting"]').waitFor();
    await supervisor.close();
  }

  async function nothingSentTo(address: string): Promise<void> {
    expect(await lastMessageTo(rig.live, address)).toBeUndefined();
    expect(rig.mail.received.filter((m) => recipients(m).includes(address))).toEqual([]);
  }

  it('an old contact cancels from the emailed link: after the full wait the new address gets nothing, the account is as it was', async () => {
    const customer = await seedCustomer(rig.live, 'ada.caller@example.com', '+14155550147');
    const newEmail = 'ada.new@example.net';
    const before = await accountState(customer.accountId);
    await startAndApprove(customer, newEmail, 'T-3001');
    expect((await accountState(customer.accountId)).status).toBe('locked');

    const notice = await rig.mail.waitForMail('the recovery notice to the old email', (m) => m.subject === 'Someone asked Custos support to give them your account' && recipients(m).includes('ada.caller@example.com'));
    const cancelLink = linkIn(notice, `${rig.live.baseUrl}/support/recoveries/cancel?token=`);
    const oldContact = await rig.newPage();
    await oldContact.page.goto(cancelLink);
    await rig.heading(oldContact.page, 'Cancel the account recovery');
    await oldContact.page.getByRole('button', { name: 'Cancel the recovery' }).click();
    await rig.heading(oldContact.page, 'Recovery cancelled');
    await oldContact.context.close();

    rig.live.clock.advance(rig.live.app.deps.config.supportRecoveryWaitHours * 60 * MINUTE + 10 * MINUTE);
    await rig.live.app.jobs.runDue();
    await nothingSentTo(newEmail);
    expect(await accountState(customer.accountId)).toEqual(before);
  }, 120_000);

  it('nobody cancels: nothing a minute early, then the link by email; its owner sets a password and signs in with it', async () => {
    const customer = await seedCustomer(rig.live, 'grace.caller@example.com', '+14155550148');
    const newEmail = 'grace.new@example.net';
    await startAndApprove(customer, newEmail, 'T-3002');

    const waitMs = rig.live.app.deps.config.supportRecoveryWaitHours * 60 * MINUTE;
    rig.live.clock.advance(waitMs - MINUTE);
    const early = await rig.live.app.jobs.runDue();
    expect(early.find((o) => o.name === 'support-recovery-links')?.status).toBe('done');
    await nothingSentTo(newEmail);

    // The job runs every 5 minutes, so the link goes at most one interval after the full wait.
    rig.live.clock.advance(MINUTE);
    await rig.live.app.jobs.runDue();
    rig.live.clock.advance(4 * MINUTE);
    await rig.live.app.jobs.runDue();
    const mail = await rig.mail.waitForMail('the set-password link to the new address', (m) => m.subject === 'Set a password for your Custos account' && recipients(m).includes(newEmail));
    const finishLink = linkIn(mail, `${rig.live.baseUrl}/support/recoveries/finish?token=`);

    const owner = await rig.newPage();
    await owner.page.goto(finishLink);
    await rig.heading(owner.page, 'Set a password');
    await owner.page.getByLabel('New password').fill(NEW_PASSWORD);
    await owner.page.getByRole('button', { name: 'Set the password' }).click();
    await rig.heading(owner.page, 'Your account is recovered');
    await owner.page.getByRole('link', { name: 'Sign in' }).click();
    await owner.page.getByLabel('Email or mobile phone number').fill(newEmail);
    await owner.page.getByRole('button', { name: 'Continue' }).click();
    await owner.page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await owner.page.getByRole('button', { name: 'Sign in' }).click();
    await owner.page.waitForURL('/account');
    await rig.heading(owner.page, 'Your Account');
    await owner.context.close();
    // The account is the customer's own, now under the new email alone: the lost phone is gone.
    const after = await accountState(customer.accountId);
    expect(after.status).toBe('active');
    expect(after.identifiers.map((i) => [i.kind, i.normalized, Number(i.is_primary)])).toEqual([['email', newEmail, 1]]);
  }, 120_000);
});
