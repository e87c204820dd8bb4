import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import type { Keyring } from '../platform/keyring.js';
import { openSecret } from '../platform/secret-box.js';
import { CLAIM_MS, MAX_ATTEMPTS, retryDelay, type DeliveryQueue } from '../notify/delivery-worker.js';
import { SECRET_PURPOSE } from './endpoints.js';
import { SIGNATURE_HEADER, signatureHeader } from './verify.js';

/**
 * Sends due webhook deliveries. The outbox's delivery worker drains this queue in the same passes as messages
 * (notify/delivery-worker.ts), with the same rules: a row is claimed by one conditional update before it is sent,
 * so any number of workers send it once; a failure is retried after retryDelay(attempts), and after MAX_ATTEMPTS
 * the row is given up as failed (logged, and counted in `npm run webhook -- list`). Delivery is at-least-once, so
 * receivers dedupe on the event id. The signature is made at each attempt, so a retry carries a fresh timestamp
 * and passes a receiver's replay window however late it comes.
 */
export interface WebhookDeliveryDeps {
  db: Kysely<Database>;
  clock: Clock;
  log: FastifyBaseLogger;
  keys: Keyring;
  /** How long a receiver may take to answer: well under CLAIM_MS, so a claim never lapses mid-send. */
  timeoutMs: number;
}

interface DueDelivery {
  id: string;
  attempts: number;
  event_id: string;
  event_type: string;
  body: string;
  endpoint_id: string;
  url: string;
  secret_sealed: string;
}

export function webhookQueue(deps: WebhookDeliveryDeps): DeliveryQueue {
  return {
    async deliverDue(limit) {
      const now = deps.clock.now();
      const due = await deps.db
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select([
          'webhook_deliveries.id', 'webhook_deliveries.attempts', 'webhook_deliveries.event_id', 'webhook_deliveries.event_type', 'webhook_deliveries.body',
          'webhook_deliveries.endpoint_id', 'webhook_endpoints.url', 'webhook_endpoints.secret_sealed',
        ])
        .where('webhook_deliveries.status', '=', 'pending')
        .where('webhook_deliveries.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('webhook_deliveries.locked_until', 'is', null), eb('webhook_deliveries.locked_until', '<', now)]))
        .where('webhook_endpoints.removed_at', 'is', null)
        .orderBy('webhook_deliveries.created_at')
        .orderBy('webhook_deliveries.id')
        .limit(limit)
        .execute();
      const claimed: DueDelivery[] = [];
      for (const row of due) if (await claim(deps, row)) claimed.push(row);
      // Sent side by side: one slow receiver costs a pass one timeout, not one timeout per event.
      const results = await Promise.all(claimed.map((row) => deliverOne(deps, row)));
      return results.filter(Boolean).length;
    },
  };
}

/** As for the outbox: the row must still be as it was read, so a retry is never sent ahead of its backoff. */
async function claim(deps: WebhookDeliveryDeps, row: DueDelivery): Promise<boolean> {
  const now = deps.clock.now();
  const result = await deps.db
    .updateTable('webhook_deliveries')
    .set({ locked_until: now + CLAIM_MS })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .where('attempts', '=', row.attempts)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

async function deliverOne(deps: WebhookDeliveryDeps, row: DueDelivery): Promise<boolean> {
  const about = { delivery: row.id, endpoint: row.endpoint_id, event: row.event_id, type: row.event_type };
  const failure = await post(deps, row);
  if (failure !== null) {
    await recordFailure(deps, row, about, failure);
    return false;
  }
  await deps.db
    .updateTable('webhook_deliveries')
    .set({ status: 'delivered', delivered_at: deps.clock.now(), locked_until: null, last_error: null })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .execute();
  deps.log.info(about, 'webhook delivered');
  return true;
}

/** Null when the receiver answered 2xx; otherwise a short cause (never the receiver's answer, which is not ours to log). */
async function post(deps: WebhookDeliveryDeps, row: DueDelivery): Promise<string | null> {
  let secret: string;
  try {
    secret = openSecret(deps.keys, SECRET_PURPOSE, row.secret_sealed).plaintext;
  } catch {
    return 'the endpoint secret does not open under any configured SECRET';
  }
  const timestamp = Math.floor(deps.clock.now() / 1000);
  let response: Response;
  try {
    response = await fetch(row.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Custos-Webhooks/1',
        'custos-event-id': row.event_id,
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secret, timestamp, row.body),
      },
      body: row.body,
      // A redirect is an answer other than 2xx, and retried: following it would send the event to a URL nobody registered.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
  } catch (error) {
    return describeFetchFailure(error, deps.timeoutMs);
  }
  await response.body?.cancel().catch(() => undefined);
  return response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}`;
}

async function recordFailure(deps: WebhookDeliveryDeps, row: DueDelivery, about: Record<string, string>, lastError: string): Promise<void> {
  const attempts = row.attempts + 1;
  const failed = attempts >= MAX_ATTEMPTS;
  await deps.db
    .updateTable('webhook_deliveries')
    .set({ attempts, last_error: lastError, status: failed ? 'failed' : 'pending', next_attempt_at: deps.clock.now() + retryDelay(attempts), locked_until: null })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .execute();
  const entry = { ...about, attempts, err: lastError };
  if (failed) deps.log.error(entry, 'webhook delivery failed; giving up');
  else deps.log.warn(entry, 'webhook delivery failed; will retry');
}

function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return `unreachable (${typeof cause?.code === 'string' ? cause.code : 'network error'})`;
}
