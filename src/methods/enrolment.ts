import QRCode from 'qrcode';
import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { newId } from '../platform/crypto.js';
import { inTransaction } from '../platform/db/transaction.js';
import { recordEvent } from '../activity/audit.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { sendSecurityNotice, type SecurityChange } from '../notify/security-notices.js';
import { replaceBackupCodes } from './backup-codes/backup-codes.js';
import { forgetRememberedDevices, listRememberedDevices } from './remembered-device/remembered-devices.js';
import { countUnusedBackupCodes, deleteFactor, listConfirmedFactors, type FactorSummary } from './store.js';
import { pendingTotpKey, startTotpEnrolment, useTotpCode } from './totp/totp-factor.js';
import { totpUri } from './totp/totp.js';
import { verifiedPhone } from './sms/phone.js';

/**
 * Enrolling and removing second factors. Every route that calls these requires a recent step-up (ASVS 7.5.1);
 * every change sends a notice to every verified contact (ASVS 6.3.7) and lands in the audit trail.
 */
export interface TwoStepOverview {
  factors: FactorSummary[];
  backupCodesLeft: number;
  hasVerifiedPhone: boolean;
  rememberedDevices: Array<{ id: string; device: string; place: string; createdAt: number; expiresAt: number }>;
}

export async function twoStepOverview(deps: Deps, accountId: string): Promise<TwoStepOverview> {
  const [factors, backupCodesLeft, phone, remembered] = await Promise.all([
    listConfirmedFactors(deps.db, accountId),
    countUnusedBackupCodes(deps.db, accountId),
    verifiedPhone(deps.db, accountId),
    listRememberedDevices(deps.db, deps.clock, accountId),
  ]);
  return {
    factors,
    backupCodesLeft,
    hasVerifiedPhone: phone !== undefined,
    rememberedDevices: remembered.map((r) => ({ id: r.id, device: r.device, place: r.place, createdAt: r.created_at, expiresAt: r.expires_at })),
  };
}

export interface TotpEnrolment {
  key: string;
  uri: string;
  /** The otpauth URI as an SVG QR code, rendered on the server (no script needed). */
  qrSvg: string;
}

/** A new authenticator key, waiting for its first code (or the one already waiting, so a reload shows the same QR). */
export async function beginTotp(deps: Deps, accountId: string, options: { fresh?: boolean } = {}): Promise<TotpEnrolment> {
  const waiting = options.fresh ? undefined : await pendingTotpKey(deps.db, deps.config.keys, accountId);
  const { key } = waiting ?? (await startTotpEnrolment(deps.db, deps.clock, deps.config.keys, accountId));
  const email = (await listIdentifiers(deps.db, accountId)).find((i) => i.kind === 'email' && i.isPrimary)?.value ?? 'account';
  const uri = totpUri(key, email);
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { key, uri, qrSvg };
}

/** The first correct code makes the authenticator active. */
export async function confirmTotp(deps: Deps, input: { accountId: string; code: string; info: RequestInfo }): Promise<void> {
  const factorId = await useTotpCode(deps.db, deps.clock, deps.config.keys, input.accountId, input.code, { confirming: true });
  if (!factorId) {
    if (!(await pendingTotpKey(deps.db, deps.config.keys, input.accountId))) throw new AppError(410, 'factor.no_enrolment', 'Start adding the authenticator app again: no set-up is waiting.');
    throw errors.invalidInput({ code: 'That code is not correct. Check the time on your phone and enter the newest code.' });
  }
  await afterChange(deps, input.accountId, input.info, 'totp_added', 'factor.added', { kind: 'totp' });
}

/** Turns on SMS codes as a second factor; only for a verified phone (ASVS 6.6.1, NIST §3.1.3.3). */
export async function enableSmsFactor(deps: Deps, input: { accountId: string; info: RequestInfo }): Promise<void> {
  if (!(await verifiedPhone(deps.db, input.accountId))) {
    throw new AppError(400, 'factor.phone_required', 'Add and confirm a mobile phone number first.');
  }
  const existing = (await listConfirmedFactors(deps.db, input.accountId)).some((f) => f.kind === 'sms');
  if (existing) return;
  const now = deps.clock.now();
  await deps.db
    .insertInto('factors')
    .values({
      id: newId(), account_id: input.accountId, kind: 'sms', label: 'Text message', secret_sealed: null, last_used_step: null, credential_id: null,
      public_key: null, sign_count: null, transports: null, user_verified: null, confirmed_at: now, created_at: now, last_used_at: null,
    })
    .execute();
  await afterChange(deps, input.accountId, input.info, 'sms_factor_added', 'factor.added', { kind: 'sms' });
}

/** Removes one of the account's own factors (another account's id is unknown here: 404). */
export async function removeFactor(deps: Deps, input: { accountId: string; factorId: string; info: RequestInfo }): Promise<void> {
  const removed = await deleteFactor(deps.db, input.accountId, input.factorId);
  if (!removed) throw errors.notFound('sign-in method');
  const removedNotice: Record<FactorSummary['kind'], SecurityChange> = { totp: 'totp_removed', sms: 'sms_factor_removed', passkey: 'passkey_removed' };
  const change = removedNotice[removed.kind];
  await afterChange(deps, input.accountId, input.info, change, 'factor.removed', { kind: removed.kind });
}

/** Ten new backup codes, shown once; the old set stops working. */
export async function newBackupCodes(deps: Deps, input: { accountId: string; info: RequestInfo }): Promise<string[]> {
  const codes = await inTransaction(deps, (tx) => replaceBackupCodes(tx.db, tx.clock, tx.random, tx.config.keys, input.accountId));
  await afterChange(deps, input.accountId, input.info, 'backup_codes_created', 'backup_codes.created', {});
  return codes;
}

export async function forgetDevices(deps: Deps, input: { accountId: string; id?: string; info: RequestInfo }): Promise<number> {
  const count = await forgetRememberedDevices(deps.db, deps.clock, input.accountId, input.id);
  if (input.id && count === 0) throw errors.notFound('device');
  await recordEvent(deps.db, deps.clock, { accountId: input.accountId, type: 'remembered_devices.forgotten', info: input.info, detail: { count } });
  return count;
}

async function afterChange(
  deps: Deps,
  accountId: string,
  info: RequestInfo,
  change: SecurityChange,
  type: 'factor.added' | 'factor.removed' | 'backup_codes.created',
  detail: Record<string, string>,
): Promise<void> {
  const account = await getAccount(deps.db, accountId);
  await inTransaction(deps, async (tx) => {
    await sendSecurityNotice(tx, { accountId, name: account?.name ?? '', change, info });
    await recordEvent(tx.db, deps.clock, { accountId, type, info, detail });
  });
}
