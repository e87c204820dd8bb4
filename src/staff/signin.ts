import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { sha256 } from '../platform/crypto.js';
import { verifyAttempt } from '../signin/verify-attempt.js';
import { methodNeeding, secondStepMethods } from '../methods/registry.js';
import type { Principal } from '../methods/method.js';
import { passwordMethod } from '../methods/password/password-method.js';
import { auditStaff, staffSigninAudit } from './audit.js';
import { normalizeStaffEmail } from './members.js';
import { authenticateStaffToken, endStaffSession, openStaffSession, promoteTicket } from './session-store.js';
import { findStaffByEmail } from './store.js';
import { passkeyMethod } from '../methods/passkey/passkey-method.js';
import { beginStaffPasskeyAssertion, spendStaffChallenge, type AuthenticationResponseJSON } from './staff-passkeys.js';

/**
 * Staff sign-in: email and password, then a second factor, through the customers' sign-in methods
 * (methods/registry.ts, each serving 'staff') and the one attempt gate, on staff scopes of their own. The
 * methods a staff member is offered are those that serve staff: a passkey or an authenticator app (never a text message,
 * never a remembered device). Unknown email, wrong password, disabled or unfinished setup answer alike (ASVS 6.3.8).
 */
const signInFailed = () => new AppError(401, 'signin.failed', 'The email address or password is incorrect.');
const wrongCode = () => new AppError(401, 'signin.second_factor_failed', 'That code is not correct. Please try again.');
const ticketInvalid = () => new AppError(401, 'staff.signin_expired', 'This sign-in has expired. Please start again.');

export interface StaffTicket {
  ticket: string;
  methods: string[];
  expiresAt: number;
}

export async function staffPasswordStep(deps: Deps, input: { email: string; password: string }, info: RequestInfo): Promise<StaffTicket> {
  const email = normalizeStaffEmail(input.email);
  const member = await findStaffByEmail(deps.db, email);
  const principal: Principal | null = member ? { kind: 'staff', id: member.id } : null;
  await verifyAttempt(
    deps,
    {
      scope: 'staff_password',
      subject: `staff:${sha256(email)}`,
      accountId: null,
      info,
      method: 'password',
      refuse: signInFailed,
      audit: staffSigninAudit(deps, member?.id ?? null, { step: 'password' }, info.ip),
    },
    () => passwordMethod.verify(deps, principal, { password: input.password }, { info }),
  );
  // Accepted, so the member exists and is active.
  const methods = await secondStepMethods(deps, principal!);
  if (methods.length === 0) throw signInFailed();
  const { token, expiresAt } = await openStaffSession(deps, { staffId: member!.id, stage: 'second_factor', factors: ['password'], ip: info.ip });
  return { ticket: token, methods, expiresAt };
}

export async function staffSecondStep(deps: Deps, input: { ticket: string; method: string; code: string }, info: RequestInfo): Promise<StaffSession> {
  const ticket = await authenticateStaffToken(deps, input.ticket, 'second_factor');
  if (!ticket) throw ticketInvalid();
  const principal: Principal = { kind: 'staff', id: ticket.staffId };
  const offered: string[] = await secondStepMethods(deps, principal);
  const method = offered.includes(input.method) ? methodNeeding('code', input.method) : undefined;
  if (!method || !method.serves.includes('staff')) throw new AppError(400, 'signin.method_unavailable', 'That method is not set up for this staff member.');
  await verifyAttempt(
    deps,
    {
      scope: 'staff_second_factor',
      subject: `staff:${ticket.staffId}`,
      accountId: null,
      info,
      method: method.name,
      refuse: wrongCode,
      audit: staffSigninAudit(deps, ticket.staffId, { step: 'second_factor', method: method.name }, info.ip),
    },
    () => method.verify(deps, principal, { code: input.code }, { info }),
  );
  return finishStaffSignin(deps, ticket, method.name, info);
}

/** The passkey's challenge for this ticket (staff-passkeys.ts binds it to the ticket). */
export async function staffPasskeyOptions(deps: Deps, input: { ticket: string }) {
  const ticket = await authenticateStaffToken(deps, input.ticket, 'second_factor');
  if (!ticket) throw ticketInvalid();
  return beginStaffPasskeyAssertion(deps, ticket.staffId, ticket.sessionId);
}

/** The second step with a passkey: the same method and attempt gate as customers', on staff_factors. */
export async function staffPasskeyStep(
  deps: Deps,
  input: { ticket: string; flowId: string; response: AuthenticationResponseJSON },
  info: RequestInfo,
): Promise<StaffSession> {
  const ticket = await authenticateStaffToken(deps, input.ticket, 'second_factor');
  if (!ticket) throw ticketInvalid();
  const principal: Principal = { kind: 'staff', id: ticket.staffId };
  const challenge = await spendStaffChallenge(deps, input.flowId, { staffId: ticket.staffId, purpose: 'signin', boundTo: ticket.sessionId });
  await verifyAttempt(
    deps,
    {
      scope: 'staff_second_factor',
      subject: `staff:${ticket.staffId}`,
      accountId: null,
      info,
      method: 'passkey',
      refuse: () => new AppError(401, 'signin.second_factor_failed', "That passkey didn't work. Please try again."),
      audit: staffSigninAudit(deps, ticket.staffId, { step: 'second_factor', method: 'passkey' }, info.ip),
    },
    () => passkeyMethod.verify(deps, principal, { response: input.response, challenge }, { info }),
  );
  return finishStaffSignin(deps, ticket, 'passkey', info);
}

type StaffSession = { token: string; expiresAt: number; staffId: string };

async function finishStaffSignin(deps: Deps, ticket: { staffId: string; sessionId: string }, method: string, info: RequestInfo): Promise<StaffSession> {
  const session = await promoteTicket(deps, ticket.sessionId, ['password', method]);
  if (!session) throw ticketInvalid();
  await auditStaff(deps, 'staff.signin', { staffId: ticket.staffId, actorId: ticket.staffId, detail: { method }, ip: info.ip });
  return { ...session, staffId: ticket.staffId };
}

export async function staffSignOut(deps: Deps, staff: { id: string; sessionId: string }, info: RequestInfo): Promise<void> {
  await endStaffSession(deps, staff.sessionId);
  await auditStaff(deps, 'staff.signout', { staffId: staff.id, actorId: staff.id, ip: info.ip });
}
