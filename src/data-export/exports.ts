import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY, MINUTE } from '../platform/clock.js';
import { constantTimeEqual, newId, randomToken, sha256 } from '../platform/crypto.js';
import { AppError, errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { openSecret, sealSecret } from '../platform/secret-box.js';
import type { DataExportStatus } from '../platform/db/schema.js';
import { listIdentifiers } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { collectAccountData } from './collect.js';
import { dataReadyEmail } from './messages.js';

/**
 * "Download your data". The customer asks (after a recent password confirmation); a background job builds the
 * JSON, seals it (AES-256-GCM under a key derived from SECRET) into the shared database and emails a link. The
 * file is handed only to a request that is signed in to the same account AND carries the link's token: the link
 * alone (a forwarded email, a leaked mailbox) gets nothing, and another customer gets 404. Asking is cheap to
 * refuse and expensive to loop, so: at most one export under way per account (a unique column settles a race),
 * and at most EXPORTS_PER_DAY asked for in any 24 hours. A ready file lives EXPORT_TTL_MS, then the sweep deletes it.
 */
export const EXPORTS_PER_DAY = 3;
export const EXPORT_TTL_MS = 7 * DAY;
/** A claimed export not finished in this long was dropped by a dead instance: another may take it over. */
export const BUILD_LEASE_MS = 10 * MINUTE;
const SEAL_PURPOSE = 'data-export';
export const DOWNLOAD_PATH = '/account/data/download';

export interface ExportListing {
  id: string;
  status: DataExportStatus;
  requestedAt: number;
  readyAt: number | null;
  expiresAt: number | null;
}

export async function requestExport(deps: Deps, accountId: string, info: RequestInfo): Promise<ExportListing> {
  const now = deps.clock.now();
  const recent = await deps.db
    .selectFrom('data_exports')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('requested_at', '>', now - DAY)
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= EXPORTS_PER_DAY) {
    throw new AppError(429, 'data_export.limit', `You can ask for a copy of your data ${EXPORTS_PER_DAY} times a day. Please try again tomorrow.`, undefined, { 'retry-after': String(DAY / 1000) });
  }
  const id = newId();
  try {
    await deps.db
      .insertInto('data_exports')
      .values({ id, account_id: accountId, status: 'pending', pending_key: accountId, claimed_by: null, claimed_at: null, token_hash: null, sealed: null, requested_at: now, ready_at: null, expires_at: null })
      .execute();
  } catch (error) {
    // Another request of this account's got there first: one export under way is enough.
    if (isUniqueViolation(error)) throw pendingAlready();
    throw error;
  }
  await recordEvent(deps.db, deps.clock, { accountId, type: 'data_export.requested', info });
  return { id, status: 'pending', requestedAt: now, readyAt: null, expiresAt: null };
}

function pendingAlready(): AppError {
  return new AppError(409, 'data_export.pending', 'We are already preparing a copy of your data. We will email you when it is ready.');
}

/** The account's exports still held, newest first. */
export async function listExports(deps: Deps, accountId: string): Promise<ExportListing[]> {
  const rows = await deps.db
    .selectFrom('data_exports')
    .select(['id', 'status', 'requested_at', 'ready_at', 'expires_at'])
    .where('account_id', '=', accountId)
    .orderBy('requested_at', 'desc')
    .limit(10)
    .execute();
  return rows
    .filter((r) => r.expires_at === null || r.expires_at > deps.clock.now())
    .map((r) => ({ id: r.id, status: r.status, requestedAt: r.requested_at, readyAt: r.ready_at, expiresAt: r.expires_at }));
}

/**
 * Builds what is waiting. Each row is claimed by a conditional update (pending → building, or a building row whose
 * lease ran out), so two instances never build, seal and email the same export; the finish is conditional on the
 * claim too, so an instance that lost its lease midway writes nothing.
 */
export async function buildPendingExports(deps: Deps, limit = 10): Promise<number> {
  const now = deps.clock.now();
  const holder = randomToken(deps.random, 12);
  // A closed account's request waits: nobody could download it now, and reopening lets it go ahead.
  const candidates = await deps.db
    .selectFrom('data_exports')
    .innerJoin('accounts', 'accounts.id', 'data_exports.account_id')
    .select(['data_exports.id', 'data_exports.account_id', 'data_exports.status', 'data_exports.claimed_at'])
    .where('accounts.status', '=', 'active')
    .where((eb) => eb.or([eb('data_exports.status', '=', 'pending'), eb.and([eb('data_exports.status', '=', 'building'), eb('data_exports.claimed_at', '<', now - BUILD_LEASE_MS)])]))
    .orderBy('data_exports.requested_at')
    .limit(limit)
    .execute();
  let built = 0;
  for (const candidate of candidates) {
    const claimed = await deps.db
      .updateTable('data_exports')
      .set({ status: 'building', claimed_by: holder, claimed_at: now })
      .where('id', '=', candidate.id)
      .where('status', '=', candidate.status)
      .where('claimed_at', candidate.claimed_at === null ? 'is' : '=', candidate.claimed_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    if (await finishExport(deps, candidate.id, candidate.account_id, holder)) built += 1;
  }
  return built;
}

async function finishExport(deps: Deps, exportId: string, accountId: string, holder: string): Promise<boolean> {
  const now = deps.clock.now();
  const data = await collectAccountData(deps.db, accountId, now);
  const sealed = sealSecret(deps.config.keys, SEAL_PURPOSE, JSON.stringify(data, null, 2));
  const token = randomToken(deps.random);
  const expiresAt = now + EXPORT_TTL_MS;
  return inTransaction(deps, async (tx) => {
    const done = await tx.db
      .updateTable('data_exports')
      .set({ status: 'ready', sealed, token_hash: sha256(token), ready_at: now, expires_at: expiresAt, pending_key: null })
      .where('id', '=', exportId)
      .where('status', '=', 'building')
      .where('claimed_by', '=', holder)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return false;
    await recordEvent(tx.db, tx.clock, { accountId, type: 'data_export.ready' });
    const link = `${tx.config.publicUrl}${DOWNLOAD_PATH}?export=${encodeURIComponent(exportId)}&token=${encodeURIComponent(token)}`;
    const name = typeof (data.profile as { name?: unknown }).name === 'string' ? ((data.profile as { name: string }).name) : '';
    for (const email of (await listIdentifiers(tx.db, accountId)).filter((i) => i.kind === 'email' && i.verified && i.isPrimary)) {
      await enqueueMessage(tx, dataReadyEmail({ to: email.value, name, link, expiresAt, publicUrl: tx.config.publicUrl, accountId }), { kind: 'notice', immediate: true });
    }
    return true;
  });
}

export interface ExportFile {
  filename: string;
  body: string;
}

/**
 * The file, for the signed-in owner holding the link's token. Any other combination — another account's export,
 * a wrong or missing token, an expired or unfinished export — is the same 404, so the link reveals nothing.
 */
export async function downloadExport(deps: Deps, accountId: string, exportId: string, token: string, info: RequestInfo): Promise<ExportFile> {
  const row = await deps.db
    .selectFrom('data_exports')
    .select(['token_hash', 'sealed', 'ready_at', 'expires_at'])
    .where('id', '=', exportId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'ready')
    .executeTakeFirst();
  const fresh = row?.expires_at != null && row.expires_at > deps.clock.now();
  if (!row || !fresh || !row.token_hash || !row.sealed || !constantTimeEqual(row.token_hash, sha256(token))) throw errors.notFound('download');
  const body = openSecret(deps.config.keys, SEAL_PURPOSE, row.sealed).plaintext;
  await recordEvent(deps.db, deps.clock, { accountId, type: 'data_export.downloaded', info });
  return { filename: `custos-data-${new Date(row.ready_at!).toISOString().slice(0, 10)}.json`, body };
}
