// Signed webhooks: endpoints and their deliveries. Row types only; schema.ts lists the tables.

export interface WebhookEndpointTable {
  /** `we_…` */
  id: string;
  /** The partner whose events it receives; null: the store's own endpoint, which receives every event. */
  partner_id: string | null;
  url: string;
  /** The signing secret, sealed (platform/secret-box.ts, purpose 'webhook-secret'): it must be read back to sign. */
  secret_sealed: string;
  created_at: number;
  removed_at: number | null;
}

/**
 * One event for one endpoint. `pending` rows are drained by the delivery worker (retried with backoff),
 * `delivered` got a 2xx, `failed` gave up after the worker's attempts, `dropped` belonged to an endpoint removed
 * before it was delivered.
 */
export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  /** `evt_…`, the same on every retry and for every endpoint the event went to. */
  event_id: string;
  event_type: string;
  /** The exact JSON that is signed and sent, fixed when the event is queued. */
  body: string;
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}
