import type { Deps } from '../platform/context.js';
import { queueWebhookEvent } from '../webhooks/events.js';
import { getStoreCase, storeCaseJson } from './store-case.js';

/**
 * Tells the store's webhook endpoints that a case was opened or decided, with the case as its API shows it, so
 * the store need not poll /api/store/v1/cases. Called inside the transaction that opens or decides the case: the
 * event is read from that transaction and goes out only if it commits.
 */
export async function announceCase(tx: Pick<Deps, 'db' | 'clock' | 'random' | 'notifyOutbox'>, type: 'case.opened' | 'case.decided', caseId: string): Promise<void> {
  await queueWebhookEvent(tx, { type, data: storeCaseJson(await getStoreCase(tx, caseId)) });
}
