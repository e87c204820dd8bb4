import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import { DAY } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { codeDeps, issueCode } from './codes.js';
import { rememberContactUndo, type ContactUndo } from '../recovery/contact-undo.js';

/**
 * The "This wasn't me" link carried by every alert: single-use, hashed, valid 7 days, and able only to lock the
 * account down (never to sign in or change anything else), so holding the inbox is proof enough.
 */
export const SECURE_LINK_TTL_MS = 7 * DAY;

/** `undo`: the contact change this alert is about, which securing the account from the link reverses. */
export async function issueSecureLink(deps: Deps, db: Kysely<Database>, accountId: string, target: string, undo?: ContactUndo): Promise<string> {
  const issued = await issueCode(codeDeps({ ...deps, db }), {
    purpose: 'secure_account',
    channel: 'email',
    target,
    ttlMs: SECURE_LINK_TTL_MS,
    accountId,
    withLink: true,
    keepPrevious: true,
  });
  if (undo) await rememberContactUndo(db, deps.clock, issued.verificationId, accountId, undo);
  return `${deps.config.publicUrl}/account/secure?token=${encodeURIComponent(issued.linkToken!)}`;
}
