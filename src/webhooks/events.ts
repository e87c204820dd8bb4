import type { Deps } from '../platform/context.js';

/**
 * Signed webhooks to the store's and partners' endpoints. Callers queue an event inside the transaction of the
 * change it reports (pass the transaction's deps), so a rolled-back change never announces itself.
 */
export type WebhookEventType = 'charge.succeeded' | 'charge.refunded' | 'grant.revoked' | 'case.opened' | 'case.decided' | 'account.secured';

export interface WebhookEvent {
  type: WebhookEventType;
  /** What the store's endpoints receive (store-facing ids: account id, order number, …). */
  data: Record<string, unknown>;
  /** The partner the event concerns, and what its endpoints receive: only ids it already knows (its pairwise sub). */
  partner?: { id: string; data: Record<string, unknown> };
}

export async function queueWebhookEvent(_deps: Pick<Deps, 'db' | 'clock' | 'random' | 'notifyOutbox'>, _event: WebhookEvent): Promise<void> {
  // Delivery lands with the webhooks capability; until then events have no endpoint to go to.
}
