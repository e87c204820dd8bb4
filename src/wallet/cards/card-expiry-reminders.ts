import type { Deps } from '../../platform/context.js';
import { enqueueMessage } from '../../notify/enqueue.js';
import { getAccount, listIdentifiers } from '../../accounts/store.js';
import { describeCard } from './cards.js';
import { cardExpiryReminderEmail } from './card-messages.js';
import { EXPIRES_SOON_WINDOW_MS, formatExpiry, monthsExpiringWithin } from './card-expiry.js';
import { inTransaction } from '../../platform/db/transaction.js';

/**
 * The scheduled job that reminds customers 30 days before a saved card expires, once per card. Each card is
 * claimed by a conditional update (expiry_reminder_sent_at from null to now) in the same transaction as its
 * outbox row: two instances running the job at the same moment both try, one wins, one message goes out.
 * Renewing the card (re-entering it with a later date) clears the mark, so the new date gets its own reminder.
 * Scheduled hourly by the job runner (card-jobs.ts, listed in scheduled-jobs.ts), which gives each run to one instance.
 */

/** Queues every reminder now due; returns how many cards were reminded by this call. */
export async function queueCardExpiryReminders(deps: Deps, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const now = deps.clock.now();
  const months = monthsExpiringWithin(now, EXPIRES_SOON_WINDOW_MS);
  if (months.length === 0) return 0;
  const batchSize = options.batchSize ?? 500;
  let reminded = 0;
  let after = '';
  for (let batch = 0; batch < (options.maxBatches ?? 1000); batch++) {
    const due = await deps.db
      .selectFrom('cards')
      .select(['id', 'account_id', 'brand', 'last4', 'exp_month', 'exp_year'])
      .where((eb) => eb.or(months.map((m) => eb.and([eb('exp_year', '=', m.year), eb('exp_month', '=', m.month)]))))
      .where('expiry_reminder_sent_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    for (const card of due) {
      if (await remindOnce(deps, now, { id: card.id, accountId: card.account_id, brand: card.brand, last4: card.last4, expMonth: Number(card.exp_month), expYear: Number(card.exp_year) })) reminded++;
    }
    if (due.length < batchSize) break;
    after = due[due.length - 1]!.id;
  }
  return reminded;
}

async function remindOnce(deps: Deps, now: number, card: { id: string; accountId: string; brand: string; last4: string; expMonth: number; expYear: number }): Promise<boolean> {
  return inTransaction(deps, async (tx) => {
    const claimed = await tx.db
      .updateTable('cards')
      .set({ expiry_reminder_sent_at: now })
      .where('id', '=', card.id)
      .where('expiry_reminder_sent_at', 'is', null)
      .executeTakeFirst();
    // Another instance (or an earlier run) has it.
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const account = await getAccount(tx.db, card.accountId);
    const identifiers = await listIdentifiers(tx.db, card.accountId);
    const email = identifiers.find((i) => i.kind === 'email' && i.verified);
    if (!email) return false;
    await enqueueMessage(
      tx,
      cardExpiryReminderEmail({ to: email.value, name: account?.name, card: describeCard(card), expiry: formatExpiry(card), publicUrl: tx.config.publicUrl, accountId: card.accountId }),
      // A scheduled reminder to the customer's own verified address, at most once per card.
      { kind: 'account_mail' },
    );
    return true;
  });
}
