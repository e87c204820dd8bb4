import type { Deps } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { sha256 } from '../platform/crypto.js';
import { inTransaction } from '../platform/db/transaction.js';
import { checkPassword } from '../passwords/policy.js';
import { hashPassword } from '../passwords/hashing.js';
import { startTotpEnrolment, useTotpCode } from '../methods/totp/totp-factor.js';
import { totpUri } from '../methods/totp/totp.js';
import { factorTableOf } from '../methods/factor-table.js';
import { auditStaff } from './audit.js';
import { summary, type StaffSummary } from './members.js';
import { claimSetupLink, findLiveSetupLink, getStaff, setStaffStatus } from './store.js';
import { beginStaffPasskeyRegistration, storeStaffPasskey, verifyStaffPasskey, type RegistrationResponseJSON, type VerifiedStaffPasskey } from './staff-passkeys.js';

/**
 * The setup link: the person it was made for sets a password (the customers' rules, passwords/policy.ts) and
 * enrols an authenticator app through the TOTP method's own enrolment functions, or a passkey through the passkey
 * method's store (staff-passkeys.ts), or both, keyed in staff_factors. The passkey's challenge is bound to the link. The link
 * is claimed, the code checked and the password set in one transaction: of two uses at once exactly one
 * finishes; a wrong code leaves the link unused so the person can try again.
 */
const TOKEN_SHAPE = /^[\w-]{20,100}$/;

function linkGone(): AppError {
  return new AppError(410, 'staff.setup_link_invalid', 'This setup link has expired or was already used. Ask an admin for a new one.');
}

async function liveLink(deps: Deps, token: string) {
  if (!TOKEN_SHAPE.test(token)) throw linkGone();
  const link = await findLiveSetupLink(deps.db, deps.clock, sha256(token));
  const member = link && (await getStaff(deps.db, link.staffId));
  if (!link || !member || member.status !== 'setup') throw linkGone();
  return { link, member };
}

/** Who the link is for, and a fresh authenticator key to scan (any earlier unconfirmed one is replaced). */
export async function startStaffSetup(deps: Deps, token: string): Promise<{ staff: StaffSummary; authenticator: { key: string; uri: string } }> {
  const { member } = await liveLink(deps, token);
  const { key } = await startTotpEnrolment(deps.db, deps.clock, deps.config.keys, member.id, factorTableOf('staff'));
  return { staff: summary(member), authenticator: { key, uri: totpUri(key, member.email, 'Custos support') } };
}

/** A passkey ceremony for the link's person; its challenge only finishes this link's setup. */
export async function startStaffPasskeySetup(deps: Deps, token: string) {
  const { link, member } = await liveLink(deps, token);
  return beginStaffPasskeyRegistration(deps, member, link.id);
}

export interface StaffSetupInput {
  token: string;
  password: string;
  /** The authenticator app's code, when one is being enrolled. */
  code?: string;
  passkey?: { flowId: string; name: string; response: RegistrationResponseJSON };
}

export async function completeStaffSetup(deps: Deps, input: StaffSetupInput, ip: string): Promise<StaffSummary> {
  const { link, member } = await liveLink(deps, input.token);
  const code = input.code?.trim() ? input.code : undefined;
  if (!code && !input.passkey) throw errors.invalidInput({ code: 'Enter the code from the authenticator app, or add a passkey.' });
  const verdict = checkPassword(input.password, { name: member.name, email: member.email });
  if (!verdict.ok) throw errors.invalidInput({ password: verdict.message! });
  // Checked (and its challenge spent) before the link is claimed: a refused passkey leaves the link usable.
  const passkey: VerifiedStaffPasskey | undefined = input.passkey
    ? await verifyStaffPasskey(deps, { staffId: member.id, boundTo: link.id, ...input.passkey })
    : undefined;
  const passwordHash = await hashPassword(input.password.normalize('NFC'));
  return inTransaction(deps, async (tx) => {
    if (!(await claimSetupLink(tx.db, deps.clock, link.id))) throw linkGone();
    const factors: string[] = [];
    if (code) {
      const factorId = await useTotpCode(tx.db, deps.clock, deps.config.keys, member.id, code, { confirming: true, table: factorTableOf('staff') });
      if (!factorId) throw new AppError(400, 'code.invalid', 'That code is not correct. Check the authenticator app and try again.', { code: 'That code is not correct.' });
      factors.push('totp');
    }
    if (passkey) {
      await storeStaffPasskey(deps, tx.db, member.id, passkey);
      factors.push('passkey');
    }
    await setStaffStatus(tx.db, deps.clock, member.id, 'active', passwordHash);
    await auditStaff(tx, 'staff.setup_completed', { staffId: member.id, actorId: member.id, detail: { factor: factors.join('+') }, ip });
    return summary((await getStaff(tx.db, member.id))!);
  });
}
