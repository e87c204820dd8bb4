import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY, MINUTE } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { enqueueMessage, spendMessageBudget } from '../notify/enqueue.js';
import { emailChangeCodeEmail, emailInUseEmail, phoneCodeSms } from './messages.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { recordEvent } from '../activity/audit.js';
import { codeDeps, consumeCode, findPending, issueCode, reissueCode, type CodePurpose } from '../verification/codes.js';
import { identifierMessages, isProblem, parseEmail, parsePhone, type ParsedIdentifier } from '../accounts/identifiers.js';
import { getAccount, isIdentifierTaken, listIdentifiers, replacePhone, replacePrimaryEmail } from '../accounts/store.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { inTransaction } from '../platform/db/transaction.js';

/**
 * Changing the email or phone: the new one must be proven with a code before it replaces the old; the old
 * address is told at the request and at the change (ASVS 6.3.7). An address or number already on another
 * account gets the same answer on screen (ASVS 6.3.8); the code simply never arrives.
 */
export const EMAIL_CODE_TTL_MS = DAY;
export const SMS_CODE_TTL_MS = 10 * MINUTE;

export async function requestEmailChange(deps: Deps, input: { accountId: string; email: string; info: RequestInfo }): Promise<{ email: string }> {
  const email = parseEmail(input.email);
  if (isProblem(email)) throw errors.invalidInput({ email: identifierMessages[email] });
  const account = await requireAccount(deps, input.accountId);
  const current = (await listIdentifiers(deps.db, input.accountId)).find((i) => i.kind === 'email' && i.isPrimary);
  if (current?.normalized === email.normalized) throw errors.invalidInput({ email: 'That is already your email address.' });
  await inTransaction(deps, async (tx) => {
    const taken = await isIdentifierTaken(tx.db, email, tx.clock.now(), input.accountId);
    const issued = await issueCode(codeDeps(tx), {
      purpose: 'email_change',
      channel: 'email',
      target: email.value,
      ttlMs: EMAIL_CODE_TTL_MS,
      accountId: input.accountId,
    });
    const cause = { kind: 'code', ip: input.info.ip, accountId: input.accountId } as const;
    if (taken) {
      await enqueueMessage(tx, emailInUseEmail({ to: email.value, publicUrl: tx.config.publicUrl }), cause);
    } else {
      await enqueueMessage(tx, emailChangeCodeEmail({ to: email.value, code: issued.code, publicUrl: tx.config.publicUrl, accountId: input.accountId }), cause);
    }
    await sendSecurityNotice(tx, { accountId: input.accountId, name: account.name, change: 'email_change_requested', info: input.info, detail: maskEmail(email.value) });
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'email.change_requested', info: input.info });
  });
  return { email: email.value };
}

export async function confirmEmailChange(deps: Deps, input: { accountId: string; code: string; info: RequestInfo }): Promise<void> {
  const account = await requireAccount(deps, input.accountId);
  const record = await findPending(codeDeps(deps), { accountId: input.accountId }, 'email_change');
  await consumeWithAudit(deps, input, record, 'email_change');
  const email = parseEmail(record!.target) as ParsedIdentifier;
  const old = (await listIdentifiers(deps.db, input.accountId)).find((i) => i.kind === 'email' && i.isPrimary);
  await inTransaction(deps, async (tx) => {
    if (await isIdentifierTaken(tx.db, email, tx.clock.now(), input.accountId)) throw new AppError(409, 'email.taken', 'That email address already belongs to another account.');
    await replacePrimaryEmail(tx.db, tx.clock, input.accountId, email);
    await sendSecurityNotice(tx, {
      accountId: input.accountId,
      name: account.name,
      change: 'email_changed',
      info: input.info,
      detail: maskEmail(email.value),
      alsoTo: old ? [old.value] : [],
      undo: { kind: 'email', restore: old ?? null, remove: email.normalized },
    });
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'email.changed', info: input.info });
  });
}

/** Sends a code to a phone number the customer wants on their account (at sign-up or later). */
export async function startPhoneConfirmation(deps: Deps, input: { accountId: string; phone: ParsedIdentifier; info: RequestInfo }): Promise<void> {
  const taken = await isIdentifierTaken(deps.db, input.phone, deps.clock.now(), input.accountId);
  const issued = await issueCode(codeDeps(deps), {
    purpose: 'phone_confirm',
    channel: 'sms',
    target: input.phone.normalized,
    ttlMs: SMS_CODE_TTL_MS,
    accountId: input.accountId,
  });
  // A number that is already someone's sign-in gets no text: it would only be noise to its owner. It spends the
  // budget all the same (SMS pumping: every number asked for counts, and a 429 must not reveal which are taken).
  const cause = { kind: 'code', ip: input.info.ip, accountId: input.accountId } as const;
  if (taken) await spendMessageBudget(deps, { channel: 'sms', recipient: input.phone.normalized }, cause);
  else await enqueueMessage(deps, phoneCodeSms({ to: input.phone.normalized, code: issued.code, accountId: input.accountId }), cause);
  await recordEvent(deps.db, deps.clock, { accountId: input.accountId, type: 'phone.change_requested', info: input.info });
}

export async function requestPhoneChange(deps: Deps, input: { accountId: string; phone: string; info: RequestInfo }): Promise<{ phone: string }> {
  const phone = parsePhone(input.phone, deps.config.defaultPhoneRegion);
  if (isProblem(phone)) throw errors.invalidInput({ phone: identifierMessages[phone === 'email_invalid' ? 'phone_invalid' : phone] });
  const current = (await listIdentifiers(deps.db, input.accountId)).find((i) => i.kind === 'phone' && i.verified && !i.alias);
  if (current?.normalized === phone.normalized) throw errors.invalidInput({ phone: 'That is already your phone number.' });
  await inTransaction(deps, (tx) => startPhoneConfirmation(tx, { ...input, phone }));
  return { phone: phone.value };
}

export async function confirmPhone(deps: Deps, input: { accountId: string; code: string; info: RequestInfo }): Promise<void> {
  const account = await requireAccount(deps, input.accountId);
  const record = await findPending(codeDeps(deps), { accountId: input.accountId }, 'phone_confirm');
  await consumeWithAudit(deps, input, record, 'phone_confirm');
  const phone = parsePhone(record!.target, deps.config.defaultPhoneRegion) as ParsedIdentifier;
  const old = (await listIdentifiers(deps.db, input.accountId)).find((i) => i.kind === 'phone' && i.verified && !i.alias);
  await inTransaction(deps, async (tx) => {
    if (await isIdentifierTaken(tx.db, phone, tx.clock.now(), input.accountId)) throw new AppError(409, 'phone.taken', 'That phone number already belongs to another account.');
    await replacePhone(tx.db, tx.clock, input.accountId, phone);
    await sendSecurityNotice(tx, {
      accountId: input.accountId,
      name: account.name,
      change: old ? 'phone_changed' : 'phone_added',
      info: input.info,
      detail: maskPhone(phone.normalized),
      alsoToPhone: old?.normalized,
      undo: { kind: 'phone', restore: old ?? null, remove: phone.normalized },
    });
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'phone.verified', info: input.info });
  });
}

export async function removePhone(deps: Deps, input: { accountId: string; info: RequestInfo }): Promise<void> {
  const account = await requireAccount(deps, input.accountId);
  // The account's own number: a phone alias from a merge is removed on its own (merging/aliases.ts).
  const current = (await listIdentifiers(deps.db, input.accountId)).find((i) => i.kind === 'phone' && !i.alias);
  if (!current) throw errors.notFound('phone number');
  await inTransaction(deps, async (tx) => {
    await replacePhone(tx.db, tx.clock, input.accountId, null);
    await sendSecurityNotice(tx, {
      accountId: input.accountId,
      name: account.name,
      change: 'phone_removed',
      info: input.info,
      detail: maskPhone(current.normalized),
      alsoToPhone: current.verified ? current.normalized : undefined,
      undo: current.verified ? { kind: 'phone', restore: current, remove: null } : undefined,
    });
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'phone.removed', info: input.info });
  });
}

export async function resendContactCode(deps: Deps, input: { accountId: string; purpose: 'email_change' | 'phone_confirm'; info: RequestInfo }): Promise<void> {
  const account = await requireAccount(deps, input.accountId);
  const record = await findPending(codeDeps(deps), { accountId: input.accountId }, input.purpose);
  if (!record) throw errors.codeExpired();
  await inTransaction(deps, async (tx) => {
    const ttl = input.purpose === 'email_change' ? EMAIL_CODE_TTL_MS : SMS_CODE_TTL_MS;
    const issued = await reissueCode(codeDeps(tx), record, ttl);
    const cause = { kind: 'code', ip: input.info.ip, accountId: input.accountId } as const;
    if (input.purpose === 'email_change') {
      const email = parseEmail(record.target) as ParsedIdentifier;
      if (await isIdentifierTaken(tx.db, email, tx.clock.now(), input.accountId)) await spendMessageBudget(tx, { channel: 'email', recipient: email.normalized }, cause);
      else await enqueueMessage(tx, emailChangeCodeEmail({ to: email.value, code: issued.code, publicUrl: tx.config.publicUrl, accountId: input.accountId }), cause);
    } else if (await isIdentifierTaken(tx.db, { kind: 'phone', normalized: record.target }, tx.clock.now(), input.accountId)) {
      await spendMessageBudget(tx, { channel: 'sms', recipient: record.target }, cause);
    } else {
      await enqueueMessage(tx, phoneCodeSms({ to: record.target, code: issued.code, accountId: input.accountId }), cause);
    }
  });
}

/** What is waiting to be confirmed, for the Login & Security page. */
export async function pendingContacts(deps: Deps, accountId: string): Promise<{ email?: string; phone?: string }> {
  const now = deps.clock.now();
  const [email, phone] = await Promise.all([
    findPending(codeDeps(deps), { accountId }, 'email_change'),
    findPending(codeDeps(deps), { accountId }, 'phone_confirm'),
  ]);
  const live = (r: typeof email) => (r && r.expires_at > now && r.attempts < r.max_attempts ? r.target : undefined);
  const pendingPhone = live(phone);
  return { email: live(email), phone: pendingPhone ? formatPhone(deps, pendingPhone) : undefined };
}

function formatPhone(deps: Deps, e164: string): string {
  const parsed = parsePhone(e164, deps.config.defaultPhoneRegion);
  return isProblem(parsed) ? e164 : parsed.value;
}

async function consumeWithAudit(
  deps: Deps,
  input: { accountId: string; code: string; info: RequestInfo },
  record: Awaited<ReturnType<typeof findPending>>,
  purpose: CodePurpose,
): Promise<void> {
  try {
    await consumeCode(codeDeps(deps), record, input.code);
  } catch (error) {
    await recordEvent(deps.db, deps.clock, { accountId: input.accountId, type: 'code.failed', info: input.info, detail: { purpose } });
    throw error;
  }
}

async function requireAccount(deps: Deps, accountId: string) {
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.unauthenticated();
  return account;
}
