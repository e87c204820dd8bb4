import type { Deps } from '../platform/context.js';
import { newId, randomToken } from '../platform/crypto.js';
import { inTransaction } from '../platform/db/transaction.js';
import { AppError } from '../platform/errors.js';
import { sealSecret } from '../platform/secret-box.js';
import { findPartner } from '../partners/partners.js';

/**
 * Where webhooks go: endpoints registered only from the server's shell (`npm run webhook`), one signing secret
 * each. The store's endpoints (partner null) receive every event; a partner's receive only the events about it.
 * The secret is 256 random bits shown once; it is kept sealed, not hashed, because every delivery is signed
 * with it (platform/secret-box.ts).
 */
export const SECRET_PURPOSE = 'webhook-secret';
const ID_PREFIX = 'we_';
const SECRET_PREFIX = 'whsec_';
const URL_MAX = 500;
/** Every event is written once per endpoint: a bound on the fan-out one change can cause. */
export const MAX_ENDPOINTS_PER_OWNER = 10;

export interface NewEndpoint {
  /** A partner's client id, or null for the store. */
  partnerId: string | null;
  url: string;
}

export interface EndpointListing {
  id: string;
  partnerId: string | null;
  url: string;
  createdAt: number;
  removedAt: number | null;
  deliveries: { delivered: number; pending: number; retrying: number; failed: number };
  lastError: string | null;
}

type EndpointDeps = Pick<Deps, 'db' | 'clock' | 'random' | 'config' | 'notifyOutbox'>;

export async function addEndpoint(deps: EndpointDeps, input: NewEndpoint): Promise<{ id: string; url: string; secret: string }> {
  const url = checkWebhookUrl(input.url);
  if (input.partnerId !== null && !(await findPartner(deps, input.partnerId))) {
    throw new AppError(422, 'webhook.partner_unknown', `No active partner has the client id ${input.partnerId.slice(0, 80)}.`);
  }
  const id = `${ID_PREFIX}${newId()}`;
  const secret = `${SECRET_PREFIX}${randomToken(deps.random)}`;
  await inTransaction(deps, async (tx) => {
    const owner = tx.db.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<number>().as('n')).where('removed_at', 'is', null);
    const { n } = await (input.partnerId === null ? owner.where('partner_id', 'is', null) : owner.where('partner_id', '=', input.partnerId)).executeTakeFirstOrThrow();
    if (Number(n) >= MAX_ENDPOINTS_PER_OWNER) {
      throw new AppError(409, 'webhook.too_many_endpoints', `At most ${MAX_ENDPOINTS_PER_OWNER} endpoints per owner; remove one first.`);
    }
    await tx.db
      .insertInto('webhook_endpoints')
      .values({ id, partner_id: input.partnerId, url, secret_sealed: sealSecret(tx.config.keys, SECRET_PURPOSE, secret), created_at: tx.clock.now(), removed_at: null })
      .execute();
  });
  return { id, url, secret };
}

/**
 * An endpoint URL: absolute, https — plain http only for loopback hosts, where a developer's receiver runs beside
 * the service — with no credentials (they would sit in the database and in logs), no fragment, nothing invisible.
 */
export function checkWebhookUrl(value: string): string {
  const invalid = (why: string) => new AppError(422, 'webhook.url_invalid', `${JSON.stringify(value.slice(0, 200))} ${why}`);
  if (value.length > URL_MAX) throw invalid(`is longer than ${URL_MAX} characters.`);
  // The URL parser silently drops tabs and line breaks and trims spaces; what is registered must be what is shown.
  if (/[\s\p{Cc}\p{Cf}]/u.test(value)) throw invalid('contains spaces, control or invisible characters.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('is not an absolute URL.');
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw invalid('must use https (plain http only on localhost).');
  if (url.username || url.password) throw invalid('must not carry credentials.');
  if (url.hash || value.includes('#')) throw invalid('must not have a fragment.');
  // Stored as the parser writes it (a Unicode host becomes punycode), which is what is shown and called.
  if (url.href.length > URL_MAX) throw invalid(`is longer than ${URL_MAX} characters once written out.`);
  return url.href;
}

/** Removes an active endpoint; what was still waiting to be delivered to it is dropped in the same transaction. */
export async function removeEndpoint(deps: Pick<Deps, 'db' | 'clock' | 'notifyOutbox'>, id: string): Promise<boolean> {
  if (!isEndpointId(id)) return false;
  return inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const removed = await tx.db.updateTable('webhook_endpoints').set({ removed_at: now }).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
    if (Number(removed.numUpdatedRows) !== 1) return false;
    await tx.db.updateTable('webhook_deliveries').set({ status: 'dropped', locked_until: null }).where('endpoint_id', '=', id).where('status', '=', 'pending').execute();
    return true;
  });
}

/** Every endpoint, removed ones too, with how its deliveries stand, for the operator. */
export async function listEndpoints(deps: Pick<Deps, 'db'>): Promise<EndpointListing[]> {
  const rows = await deps.db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
  const counts = await deps.db
    .selectFrom('webhook_deliveries')
    .select((eb) => ['endpoint_id', 'status', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('retrying')])
    .groupBy(['endpoint_id', 'status'])
    .execute();
  const lastErrors = await deps.db
    .selectFrom('webhook_deliveries')
    .select(['endpoint_id', 'last_error'])
    .where('status', 'in', ['pending', 'failed'])
    .where('last_error', 'is not', null)
    .orderBy('next_attempt_at', 'desc')
    .execute();
  return rows.map((row) => {
    const mine = counts.filter((c) => c.endpoint_id === row.id);
    const count = (status: string) => Number(mine.find((c) => c.status === status)?.n ?? 0);
    return {
      id: row.id,
      partnerId: row.partner_id,
      url: row.url,
      createdAt: row.created_at,
      removedAt: row.removed_at,
      deliveries: {
        delivered: count('delivered'),
        pending: count('pending'),
        retrying: Number(mine.find((c) => c.status === 'pending')?.retrying ?? 0),
        failed: count('failed'),
      },
      lastError: lastErrors.find((e) => e.endpoint_id === row.id)?.last_error ?? null,
    };
  });
}

export function isEndpointId(value: unknown): value is string {
  return typeof value === 'string' && /^we_[\w-]{1,64}$/.test(value);
}
