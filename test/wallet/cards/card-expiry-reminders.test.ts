import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../../src/platform/clock.js';
import { JobRunner } from '../../../src/platform/jobs/runner.js';
import { registerScheduledJobs } from '../../../src/scheduled-jobs.js';
import { queueCardExpiryReminders } from '../../../src/wallet/cards/card-expiry-reminders.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { addCardByApi, customerWithAddress } from './card-fixtures.js';

describe('card expiry reminders', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function reminders(to?: string) {
    let query = t.app.deps.db.selectFrom('outbox').selectAll().where('template', '=', 'cardExpiryReminderEmail');
    if (to) query = query.where('recipient', '=', to);
    return query.execute();
  }

  /** Cards expiring at the end of January, February and March 2026, and one already past, for two customers. */
  async function cards(): Promise<void> {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const bob = await customerWithAddress(t, 'bob@example.com');
    expect((await addCardByApi(t, ada.token, { number: '4242424242424242', expiry: '02/26' })).status).toBe(201);
    expect((await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '03/26' })).status).toBe(201);
    expect((await addCardByApi(t, bob.token, { number: '378282246310005', expiry: '02/26' })).status).toBe(201);
    expect((await addCardByApi(t, bob.token, { number: '6011111111111117', expiry: '01/26' })).status).toBe(201);
  }

  it('reminds once per card, 30 days before the end of its expiry month, naming brand and last 4 only', async () => {
    await cards();
    // 15 January: only the January card runs out within 30 days.
    expect(await queueCardExpiryReminders(t.app.deps)).toBe(1);
    const january = await reminders('bob@example.com');
    expect(january).toHaveLength(1);
    expect(january[0]!.subject).toBe('Your Discover ending in 1117 expires soon');
    expect(january[0]!.text_body).toContain('end of 01/26');
    expect(january[0]!.text_body).toContain('http://localhost:3000/account/cards');
    expect(await queueCardExpiryReminders(t.app.deps)).toBe(0);

    // 30 days before 1 March: both February cards; the January card has expired and is not reminded again.
    t.clock.set(Date.UTC(2026, 2, 1) - 30 * 24 * HOUR);
    expect(await queueCardExpiryReminders(t.app.deps)).toBe(2);
    expect(await queueCardExpiryReminders(t.app.deps)).toBe(0);
    expect((await reminders()).map((m) => m.subject).sort()).toEqual([
      'Your American Express ending in 0005 expires soon',
      'Your Discover ending in 1117 expires soon',
      'Your Visa ending in 4242 expires soon',
    ]);
  });

  it('idempotent when instances run it at the same moment: one message per card', async () => {
    await cards();
    t.clock.set(Date.UTC(2026, 1, 1, 1, 0, 0));
    const runs = await Promise.all([1, 2, 3, 4].map(() => queueCardExpiryReminders(t.app.deps, { batchSize: 1 })));
    // January's card is past; the two February cards are due; whoever claimed each one sent it.
    expect(runs.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await reminders()).toHaveLength(2);
    expect(await reminders('ada@example.com')).toHaveLength(1);
    expect(await reminders('bob@example.com')).toHaveLength(1);
  });

  it('the hourly run is given to one instance per hour by the job runner', async () => {
    await cards();
    const other = new JobRunner({ db: t.app.deps.db, clock: t.clock, log: t.app.deps.log });
    registerScheduledJobs(other, t.app.deps);
    const ran = (await Promise.all([t.app.jobs.runDue(), other.runDue()])).flat().filter((o) => o.name === 'card-expiry-reminders');
    expect(ran).toEqual([{ name: 'card-expiry-reminders', status: 'done', handled: 1 }]);
    t.clock.set(Date.UTC(2026, 2, 1) - 20 * 24 * HOUR);
    // Weeks later the sweep may have removed the delivered January mail: count what the run reports instead.
    expect((await t.app.jobs.runDue()).find((o) => o.name === 'card-expiry-reminders')).toEqual({ name: 'card-expiry-reminders', status: 'done', handled: 2 });
    t.clock.advance(30 * MINUTE);
    expect((await other.runDue()).map((o) => o.name)).not.toContain('card-expiry-reminders');
  });

  it('a card re-entered with a later expiry gets a reminder for its new date in time', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    await addCardByApi(t, ada.token, { number: '4242424242424242', expiry: '01/26' });
    expect(await queueCardExpiryReminders(t.app.deps)).toBe(1);
    const renewed = await addCardByApi(t, ada.token, { number: '4242424242424242', expiry: '02/26' });
    expect(renewed.body).toMatchObject({ already_saved: true, expiry_updated: true });
    t.clock.set(Date.UTC(2026, 1, 10));
    expect(await queueCardExpiryReminders(t.app.deps)).toBe(1);
    expect(await reminders('ada@example.com')).toHaveLength(2);
  });
});
