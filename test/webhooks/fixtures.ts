import type { Deps } from '../../src/platform/context.js';
import { inTransaction } from '../../src/platform/db/transaction.js';
import { createPartner } from '../../src/partners/partners.js';
import { addEndpoint } from '../../src/webhooks/endpoints.js';
import { queueWebhookEvent, type WebhookEvent } from '../../src/webhooks/events.js';
import type { TestApp } from '../helpers/app.js';
import { startReceiver, type Receiver } from './receiver.js';

/** A receiver whose clock is the app's ManualClock, so its replay window is checked at the test's time. */
export function receiverFor(t: TestApp): Promise<Receiver> {
  return startReceiver(() => Math.floor(t.clock.now() / 1000));
}

/** Registers an endpoint at `path` of the receiver (for the store, or for a partner) and tells the receiver its secret. */
export async function endpoint(t: TestApp, receiver: Receiver, path: string, partnerId: string | null = null): Promise<string> {
  const added = await addEndpoint(t.app.deps, { partnerId, url: receiver.url(path) });
  receiver.secrets.set(path, added.secret);
  return added.id;
}

export async function partner(t: TestApp, name: string): Promise<string> {
  const created = await createPartner(t.app.deps, { name, redirectUris: ['https://partner.example/callback'] });
  return created.partner.id;
}

/**
 * The app's deps with the wake switched off: the test drives the worker itself (t.app.worker.deliverDue()) and
 * knows exactly which pass sent what. `wakes` counts what would have woken it.
 */
export function quietDeps(t: TestApp): { deps: Deps; wakes: () => number } {
  let wakes = 0;
  return { deps: { ...t.app.deps, notifyOutbox: () => void wakes++ }, wakes: () => wakes };
}

/** Queues an event in a transaction of its own, as a feature does in the transaction of its change. */
export function queue(deps: Deps, event: WebhookEvent): Promise<void> {
  return inTransaction(deps, (tx) => queueWebhookEvent(tx, event));
}

export function deliveryRows(t: TestApp) {
  return t.app.deps.db.selectFrom('webhook_deliveries').selectAll().orderBy('created_at').orderBy('id').execute();
}
