import type { Deps } from '../platform/context.js';
import { newSortableId, randomToken } from '../platform/crypto.js';
import { inTransaction } from '../platform/db/transaction.js';

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

/**
 * Writes one delivery per active endpoint the event is for: every store endpoint gets `data`; the endpoints of
 * the partner it concerns (if that partner is still registered) get `partner.data` and nothing else, so a partner
 * never sees another partner's events, the store's internal ids, or events that are the store's alone. The body
 * is fixed here — `{"id":"evt_…","type":…,"created":<unix s>,"data":{…}}` — so every retry sends the same event;
 * only the signature, made at each attempt (webhooks/delivery.ts), changes. The delivery worker is woken after
 * the caller's transaction commits.
 */
export async function queueWebhookEvent(deps: Pick<Deps, 'db' | 'clock' | 'random' | 'notifyOutbox'>, event: WebhookEvent): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const eventId = `evt_${randomToken(tx.random, 16)}`;
    const envelope = (data: Record<string, unknown>) => JSON.stringify({ id: eventId, type: event.type, created: Math.floor(now / 1000), data });
    const storeEndpoints = await tx.db.selectFrom('webhook_endpoints').select('id').where('partner_id', 'is', null).where('removed_at', 'is', null).execute();
    const partnerEndpoints = event.partner
      ? await tx.db
          .selectFrom('webhook_endpoints')
          .innerJoin('partners', 'partners.id', 'webhook_endpoints.partner_id')
          .select('webhook_endpoints.id')
          .where('webhook_endpoints.partner_id', '=', event.partner.id)
          .where('webhook_endpoints.removed_at', 'is', null)
          .where('partners.revoked_at', 'is', null)
          .execute()
      : [];
    const rows = [
      ...storeEndpoints.map((e) => ({ endpointId: e.id, body: envelope(event.data) })),
      ...(event.partner ? partnerEndpoints.map((e) => ({ endpointId: e.id, body: envelope(event.partner!.data) })) : []),
    ];
    if (rows.length === 0) return;
    await tx.db
      .insertInto('webhook_deliveries')
      .values(
        rows.map((row) => ({
          id: newSortableId(now),
          endpoint_id: row.endpointId,
          event_id: eventId,
          event_type: event.type,
          body: row.body,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: now,
          locked_until: null,
          last_error: null,
          created_at: now,
          delivered_at: null,
        })),
      )
      .execute();
    tx.notifyOutbox();
  });
}
