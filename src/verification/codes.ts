import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { MINUTE } from '../platform/clock.js';
import { newId, randomDigits, randomToken, sha256 } from '../platform/crypto.js';
import type { Database, VerificationTable } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';
import { lockAccountRow } from '../platform/db/lock-account-row.js';
import { keyedHash, matchesKeyedHash, type Keyring } from '../platform/keyring.js';
import type { Random } from '../platform/random.js';

/**
 * One-time codes for email and phone confirmation (SECURITY.md "One-time codes"): 6 digits from the CSPRNG,
 * stored as an HMAC keyed with the newest server secret (its key id beside it, so a rotation keeps it valid) and
 * bound to the flow or account and purpose that made them;
 * at most MAX_ATTEMPTS wrong tries; consumed by one conditional update, so two concurrent uses → one winner.
 * A resend replaces the code but keeps the failure count (a resend must not buy more guesses).
 */
export const MAX_ATTEMPTS = 5;
export const MAX_SENDS = 5;
export const RESEND_AFTER_MS = MINUTE;

export type CodePurpose =
  | 'signup_email'
  | 'email_change'
  | 'phone_confirm'
  | 'signin_sms'
  | 'password_reset'
  | 'lost_factor_email'
  | 'lost_factor_sms'
  | 'secure_account'
  /** Proves an imported account's unverified email or phone at its first use (signin/claim-confirm.ts). */
  | 'claim_confirm'
  /** Read back by a caller to a support agent (support/caller-check.ts). */
  | 'support_caller'
  /** Proving another account's email or phone before merging it (merging/). */
  | 'merge_email'
  | 'merge_sms';

export interface CodeDeps {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
  keys: Keyring;
}

export interface IssuedCode {
  verificationId: string;
  code: string;
  linkToken?: string;
}

export type VerificationRecord = VerificationTable;

export function codeDeps(deps: { db: Kysely<Database>; clock: Clock; random: Random; config: { keys: Keyring } }): CodeDeps {
  return { db: deps.db, clock: deps.clock, random: deps.random, keys: deps.config.keys };
}

export async function issueCode(
  deps: CodeDeps,
  input: {
    purpose: CodePurpose;
    channel: 'email' | 'sms';
    target: string;
    ttlMs: number;
    accountId?: string;
    flowId?: string;
    withLink?: boolean;
    /** Alert links stay valid side by side; every other purpose keeps one live code. */
    keepPrevious?: boolean;
  },
): Promise<IssuedCode> {
  const now = deps.clock.now();
  // A new request for the same thing voids the previous code. It runs even without an account (matching
  // nothing), so a code for an unknown identifier costs the same work as one for a known one.
  if (!input.keepPrevious) {
    // Concurrent requests for one account queue on its row first: voiding each other's codes row by row, in
    // whatever order, deadlocked on PostgreSQL under a burst (SQLite runs writers one at a time anyway).
    await lockAccountRow(deps.db, input.accountId ?? '');
    await deps.db
      .updateTable('verifications')
      .set({ consumed_at: now })
      .where('account_id', '=', input.accountId ?? '')
      .where('purpose', '=', input.purpose)
      .where('consumed_at', 'is', null)
      .execute();
  }
  const verificationId = newId();
  const code = randomDigits(deps.random, 6);
  const linkToken = input.withLink ? randomToken(deps.random) : undefined;
  const keyed = keyedHash(deps.keys, verificationId, code);
  await deps.db
    .insertInto('verifications')
    .values({
      id: verificationId,
      account_id: input.accountId ?? null,
      flow_id: input.flowId ?? null,
      purpose: input.purpose,
      channel: input.channel,
      target: input.target,
      code_hash: keyed.hash,
      key_id: keyed.keyId,
      link_hash: linkToken ? sha256(linkToken) : null,
      attempts: 0,
      max_attempts: MAX_ATTEMPTS,
      sends: 1,
      last_sent_at: now,
      expires_at: now + input.ttlMs,
      consumed_at: null,
      created_at: now,
    })
    .execute();
  return { verificationId, code, linkToken };
}

/** Voids every live code of a purpose sent to a target; returns the flows they belonged to. */
export async function voidPendingCodes(deps: CodeDeps, purpose: CodePurpose, target: string): Promise<string[]> {
  const pending = await deps.db
    .selectFrom('verifications')
    .select(['id', 'flow_id'])
    .where('purpose', '=', purpose)
    .where('target', '=', target)
    .where('consumed_at', 'is', null)
    .execute();
  if (pending.length === 0) return [];
  await deps.db.updateTable('verifications').set({ consumed_at: deps.clock.now() }).where('id', 'in', pending.map((p) => p.id)).where('consumed_at', 'is', null).execute();
  return pending.flatMap((p) => (p.flow_id ? [p.flow_id] : []));
}

/** The live code for a flow or an account and purpose, if any. */
/** Ends every unused code of the account for those purposes: nothing started before can finish after. */
export async function voidAccountCodes(deps: CodeDeps, accountId: string, purposes: CodePurpose[]): Promise<void> {
  await deps.db
    .updateTable('verifications')
    .set({ consumed_at: deps.clock.now() })
    .where('account_id', '=', accountId)
    .where('purpose', 'in', purposes)
    .where('consumed_at', 'is', null)
    .execute();
}

export async function findPending(
  deps: CodeDeps,
  owner: { flowId: string } | { accountId: string },
  purpose: CodePurpose,
): Promise<VerificationRecord | undefined> {
  let query = deps.db.selectFrom('verifications').selectAll().where('purpose', '=', purpose).where('consumed_at', 'is', null);
  query = 'flowId' in owner ? query.where('flow_id', '=', owner.flowId) : query.where('account_id', '=', owner.accountId);
  return query.orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/** A fresh code on the same record: the expiry restarts, the failure count does not. */
export async function reissueCode(deps: CodeDeps, record: VerificationRecord, ttlMs: number): Promise<IssuedCode> {
  const now = deps.clock.now();
  const wait = record.last_sent_at + RESEND_AFTER_MS - now;
  if (wait > 0) throw errors.resendTooSoon(Math.ceil(wait / 1000));
  if (record.sends >= MAX_SENDS) throw errors.codeExhausted();
  const code = randomDigits(deps.random, 6);
  const linkToken = record.link_hash ? randomToken(deps.random) : undefined;
  const keyed = keyedHash(deps.keys, record.id, code);
  const result = await deps.db
    .updateTable('verifications')
    .set({
      code_hash: keyed.hash,
      key_id: keyed.keyId,
      link_hash: linkToken ? sha256(linkToken) : null,
      sends: record.sends + 1,
      last_sent_at: now,
      expires_at: now + ttlMs,
    })
    .where('id', '=', record.id)
    .where('sends', '=', record.sends)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw errors.codeExpired();
  return { verificationId: record.id, code, linkToken };
}

/**
 * Checks a typed code against the record without using it up (consumeCode does both); throws a code.* error
 * when it doesn't match. The attempt is
 * reserved by an atomic increment before comparing, so a burst of parallel guesses gets MAX_ATTEMPTS tries in
 * total, not MAX_ATTEMPTS each.
 */
export async function checkCode(deps: CodeDeps, record: VerificationRecord | undefined, code: string): Promise<VerificationRecord> {
  if (!record || record.consumed_at !== null || record.expires_at <= deps.clock.now()) throw errors.codeExpired();
  await reserveAttempt(deps, record);
  const typed = code.replace(/\s+/g, '');
  if (!matchesKeyedHash(deps.keys, record.key_id, record.code_hash, record.id, typed)) {
    const after = await deps.db.selectFrom('verifications').select('attempts').where('id', '=', record.id).executeTakeFirst();
    throw (after?.attempts ?? record.max_attempts) >= record.max_attempts ? errors.codeExhausted() : errors.codeInvalid();
  }
  return record;
}

/**
 * Takes one try from the record's allowance with one conditional update, before whatever the try checks (a typed
 * code, or a password that goes with a link): concurrent tries can never exceed max_attempts in total.
 */
export async function reserveAttempt(deps: CodeDeps, record: VerificationRecord): Promise<void> {
  const reserved = await deps.db
    .updateTable('verifications')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', record.id)
    .where('attempts', '<', record.max_attempts)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  if (Number(reserved.numUpdatedRows) !== 1) {
    // Lost to a concurrent use, or out of tries: tell the customer which.
    const latest = await deps.db.selectFrom('verifications').select(['consumed_at', 'attempts']).where('id', '=', record.id).executeTakeFirst();
    throw !latest || latest.consumed_at !== null ? errors.codeExpired() : errors.codeExhausted();
  }
}

export async function consumeCode(deps: CodeDeps, record: VerificationRecord | undefined, code: string): Promise<VerificationRecord> {
  return claimCode(deps, await checkCode(deps, record, code));
}

/** Consumes the record a link token points at, if it is live and of the expected purpose. */
export async function consumeLink(deps: CodeDeps, linkToken: string, purpose: CodePurpose): Promise<VerificationRecord> {
  return claimCode(deps, await findLink(deps, linkToken, purpose));
}

/** The live record a link token points at, without using it up. */
export async function findLink(deps: CodeDeps, linkToken: string, purpose: CodePurpose): Promise<VerificationRecord> {
  const record = await deps.db
    .selectFrom('verifications')
    .selectAll()
    .where('link_hash', '=', sha256(linkToken))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!record || record.consumed_at !== null || record.expires_at <= deps.clock.now()) throw errors.codeExpired();
  return record;
}

/** Marks a checked code used; exactly one of any number of concurrent claims succeeds. */
export async function claimCode(deps: CodeDeps, record: VerificationRecord): Promise<VerificationRecord> {
  const now = deps.clock.now();
  const result = await deps.db
    .updateTable('verifications')
    .set({ consumed_at: now })
    .where('id', '=', record.id)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw errors.codeExpired();
  return { ...record, consumed_at: now };
}
