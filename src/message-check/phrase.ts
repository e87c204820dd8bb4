import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { getAccount } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { deletePhrase, readPhrase, writePhrase } from './phrase-store.js';

/**
 * The personal phrase (the anti-phishing code Binance and others use): words only the customer and we know, shown
 * at the top of every email to their verified addresses (notify/message-frame.ts). A message without it, or with
 * the wrong one, is not ours. Setting, changing or removing it is a change to how the customer tells us from a
 * phisher, so it is told like a sign-in change (security notice to every verified contact) and logged.
 */
export const PHRASE_MIN = 4;
export const PHRASE_MAX = 40;
// Letters (any script, with their combining marks), digits, spaces and light punctuation. No control, format or
// bidi characters: a phrase that displays differently from what it holds could be imitated.
const ALLOWED = /^[\p{L}\p{M}\p{N} .,'!?&-]+$/u;

export function validatePhrase(input: string): string {
  const phrase = input.normalize('NFC').trim().replace(/ {2,}/g, ' ');
  const length = Array.from(phrase).length;
  if (length < PHRASE_MIN || length > PHRASE_MAX) {
    throw errors.invalidInput({ phrase: `Use ${PHRASE_MIN} to ${PHRASE_MAX} characters.` });
  }
  if (!ALLOWED.test(phrase)) {
    throw errors.invalidInput({ phrase: "Use letters, numbers, spaces and . , ' ! ? & - only." });
  }
  return phrase;
}

export async function currentPhrase(deps: Deps, accountId: string): Promise<string | undefined> {
  return readPhrase(deps.db, deps.config.keys, accountId);
}

export async function setPhrase(deps: Deps, input: { accountId: string; phrase: string; info: RequestInfo }): Promise<string> {
  const phrase = validatePhrase(input.phrase);
  await inTransaction(deps, async (tx) => {
    const account = await getAccount(tx.db, input.accountId);
    if (!account) throw errors.unauthenticated();
    await writePhrase(tx.db, tx.config.keys, input.accountId, phrase, tx.clock.now());
    // Written after the phrase, so the notice itself already shows the new one at its top.
    await sendSecurityNotice(tx, { accountId: input.accountId, name: account.name, change: 'personal_phrase_set', info: input.info });
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'personal_phrase.set', info: input.info });
  });
  return phrase;
}

/** Removing a phrase that is not there changes nothing and tells nobody. */
export async function removePhrase(deps: Deps, input: { accountId: string; info: RequestInfo }): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const account = await getAccount(tx.db, input.accountId);
    if (!account) throw errors.unauthenticated();
    if (!(await deletePhrase(tx.db, input.accountId))) return;
    await sendSecurityNotice(tx, { accountId: input.accountId, name: account.name, change: 'personal_phrase_removed', info: input.info });
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'personal_phrase.removed', info: input.info });
  });
}
