import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY } from '../platform/clock.js';
import { errors } from '../platform/errors.js';
import { randomToken, sha256 } from '../platform/crypto.js';
import { lockName } from '../platform/db/lock-name.js';
import { createFlow, expireFlows, flowKind, loadFlow, loadFlowData, requireState, type Flow } from '../platform/flows.js';
import { safeReturnTo } from '../platform/web/return-to.js';
import { enqueueMessage, spendMessageBudget } from '../notify/enqueue.js';
import { spendSourceAllowance, type ThrottlePolicy } from '../platform/throttle.js';
import { HOUR } from '../platform/clock.js';
import { hashPassword } from '../passwords/hashing.js';
import { checkPassword, normalizePassword } from '../passwords/policy.js';
import { signupAddressHeldEmail, signupConfirmationEmail, signupExistingAccountEmail } from './messages.js';
import { recordEvent } from '../activity/audit.js';
import { codeDeps, findPending, issueCode, reissueCode, voidPendingCodes } from '../verification/codes.js';
import { parseEmail, parsePhone, isProblem, identifierMessages, type ParsedIdentifier } from '../accounts/identifiers.js';
import { identifierStanding } from '../accounts/store.js';
import { validateName } from '../accounts/fields.js';
import { createSession } from '../sessions/store.js';
import { inTransaction } from '../platform/db/transaction.js';

/**
 * Sign-up is a flow: the account is created only once the customer proves the email address, so nobody can
 * park an account on someone else's address (pre-hijacking, Sudhodanan & Paverd 2022), and only for whoever
 * chose its password (see signup-confirm.ts). An address that already has an account gets the same answer on
 * screen; its owner gets an email instead of a code (ASVS 6.3.8).
 */
export const SIGNUP_TTL_MS = DAY;
const SIGNUP_SOURCE_POLICY: ThrottlePolicy = { freeFailures: 10, firstWaitMs: 60_000, maxWaitMs: HOUR, forgetAfterMs: HOUR };

export interface SignupData {
  name: string;
  email: ParsedIdentifier;
  phone: ParsedIdentifier | null;
  passwordHash: string;
  existing: boolean;
  /** Hash of the secret held by the browser or client that started the flow (its signup cookie). */
  browserHash: string;
  /** Where the customer goes once the account is confirmed (a return_to safeReturnTo accepted), checked again then. */
  returnTo?: string;
}

export const SIGNUP_FLOW = flowKind<SignupData>('signup');

export interface SignupInput {
  name: string;
  email: string;
  phone?: string;
  password: string;
}

export interface SignupStarted {
  flowId: string;
  email: string;
  expiresAt: number;
  /** For the starter's signup cookie only: it lets this browser finish without typing the password again. */
  browserSecret: string;
}

export async function startSignup(deps: Deps, input: SignupInput, info: RequestInfo, returnTo?: string): Promise<SignupStarted> {
  const fields: Record<string, string> = {};
  const name = validateName(input.name);
  if (typeof name !== 'string') fields.name = name.message;
  const email = parseEmail(input.email);
  if (isProblem(email)) fields.email = identifierMessages[email];
  let phone: ParsedIdentifier | null = null;
  if (input.phone && input.phone.trim()) {
    const parsed = parsePhone(input.phone, deps.config.defaultPhoneRegion);
    if (isProblem(parsed)) fields.phone = identifierMessages[parsed === 'email_invalid' ? 'phone_invalid' : parsed];
    else phone = parsed;
  }
  const verdict = checkPassword(input.password, {
    name: typeof name === 'string' ? name : undefined,
    email: isProblem(email) ? undefined : email.normalized,
    phone: phone?.normalized,
  });
  if (!verdict.ok) fields.password = verdict.message!;
  if (Object.keys(fields).length > 0 || typeof name !== 'string' || isProblem(email)) throw errors.invalidInput(fields);

  // Each sign-up counts against the source, so one address can't flood inboxes.
  await spendSourceAllowance(deps.db, deps.clock, 'signup', info.ip, SIGNUP_SOURCE_POLICY);

  // Hash before looking the address up, so both branches cost the same.
  const passwordHash = await hashPassword(normalizePassword(input.password));
  const browserSecret = randomToken(deps.random);
  const flowId = await inTransaction(deps, async (tx) => {
    await lockName(tx.db, tx.engine, `signup:${email.normalized}`);
    const standing = await identifierStanding(tx.db, email, tx.clock.now(), null);
    const existing = standing !== 'free';
    // Pre-hijacking: a newer sign-up for an address voids the older pending ones, their codes and links.
    await expireFlows(tx.db, tx.clock, await voidPendingCodes(codeDeps(tx), 'signup_email', email.normalized));
    const flow = await createFlow<SignupData>(tx.db, tx.clock, {
      kind: SIGNUP_FLOW,
      state: 'confirm_email',
      ttlMs: SIGNUP_TTL_MS,
      data: { name, email, phone, passwordHash: existing ? '' : passwordHash, existing, browserHash: sha256(browserSecret), ...(returnTo ? { returnTo } : {}) },
    });
    const issued = await issueCode(codeDeps(tx), {
      purpose: 'signup_email',
      channel: 'email',
      target: email.normalized,
      ttlMs: SIGNUP_TTL_MS,
      flowId: flow.id,
      withLink: true,
    });
    const cause = { kind: 'code', ip: info.ip } as const;
    if (standing === 'held') {
      await enqueueMessage(tx, signupAddressHeldEmail({ to: email.value, publicUrl: tx.config.publicUrl }), cause);
    } else if (existing) {
      await enqueueMessage(tx, signupExistingAccountEmail({ to: email.value, publicUrl: tx.config.publicUrl }), cause);
    } else {
      await enqueueMessage(tx, signupConfirmationEmail({ to: email.value, code: issued.code, link: confirmLink(tx, flow.id, issued.linkToken!), publicUrl: tx.config.publicUrl }), cause);
    }
    await recordEvent(tx.db, tx.clock, { accountId: null, type: 'signup.started', info });
    return flow.id;
  });
  return { flowId, email: email.value, expiresAt: deps.clock.now() + SIGNUP_TTL_MS, browserSecret };
}

/** Links come from the configured public URL, never from request headers (GHSA-569q-mpph-wgww). */
function confirmLink(deps: Deps, flowId: string, token: string): string {
  return `${deps.config.publicUrl}/signup/confirm/link?flow=${encodeURIComponent(flowId)}&token=${encodeURIComponent(token)}`;
}

/** Where a confirmed sign-up goes: the flow's own destination if it is still a safe one, else a welcome. */
export async function signupDestination(deps: Deps, flowId: string): Promise<string> {
  const data = await loadFlowData(deps.db, flowId, SIGNUP_FLOW);
  return safeReturnTo(data?.returnTo, deps.config) ?? '/account?welcome=1';
}

export async function loadSignupFlow(deps: Deps, flowId: string): Promise<Flow<SignupData>> {
  return loadFlow(deps.db, deps.clock, flowId, SIGNUP_FLOW);
}

export async function resendSignupCode(deps: Deps, flowId: string, info: RequestInfo): Promise<void> {
  const flow = await loadSignupFlow(deps, flowId);
  requireState(flow, 'confirm_email');
  const record = await findPending(codeDeps(deps), { flowId }, 'signup_email');
  if (!record) throw errors.codeExpired();
  await inTransaction(deps, async (tx) => {
    const issued = await reissueCode(codeDeps(tx), record, SIGNUP_TTL_MS);
    const data = flow.data;
    // The owner of an existing address is told once; a resend changes nothing they see, but spends alike.
    const cause = { kind: 'code', ip: info.ip } as const;
    if (data.existing) {
      await spendMessageBudget(tx, { channel: 'email', recipient: data.email.value }, cause);
    } else {
      await enqueueMessage(tx, signupConfirmationEmail({ to: data.email.value, code: issued.code, link: confirmLink(tx, flow.id, issued.linkToken!), publicUrl: tx.config.publicUrl }), cause);
    }
  });
}

/**
 * Signs in the browser or client that created the account, right after it proved the address. Recorded like
 * any sign-in, so Login activity marks this session as the current one.
 */
export async function signInAfterSignup(deps: Deps, accountId: string, info: RequestInfo): Promise<{ token: string; sessionId: string; expiresAt: number }> {
  const session = await createSession(deps, { accountId, factors: ['password'], info });
  await recordEvent(deps.db, deps.clock, { accountId, type: 'signin.succeeded', info, detail: { method: 'signup', session: session.sessionId } });
  return session;
}
