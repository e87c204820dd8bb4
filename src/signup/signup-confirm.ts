import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { constantTimeEqual, sha256 } from '../platform/crypto.js';
import { advanceFlow, requireState, type Flow } from '../platform/flows.js';
import { burnVerifyTime, verifyPassword } from '../passwords/hashing.js';
import { normalizePassword } from '../passwords/policy.js';
import { recordEvent } from '../activity/audit.js';
import { rememberDevice } from '../activity/known-devices.js';
import { checkCode, claimCode, codeDeps, findLink, findPending, reserveAttempt } from '../verification/codes.js';
import { insertAccount, isIdentifierTaken } from '../accounts/store.js';
import { startPhoneConfirmation } from '../settings/contact-changes.js';
import { loadSignupFlow, type SignupData } from './signup.js';
import { inTransaction } from '../platform/db/transaction.js';

/**
 * Finishing a sign-up. Proving the address is not enough: the account is created only for the person who chose
 * its password (SECURITY.md Recovery, pre-hijacking) — the browser that started the flow (its signup cookie), or
 * anyone else who types that flow's password. Otherwise an attacker's sign-up with the victim's address, confirmed
 * by the victim from the attacker's email, would create the account with the attacker's password. Each try spends
 * one of the code's attempts before anything is checked, so the flow's password can't be guessed either.
 */
export interface SignupAuthor {
  /** From the signup cookie of the browser that made the request, if it started this flow. */
  browserSecret?: string;
  /** The password typed on another browser or sent by an API client. */
  password?: string;
}

const PASSWORD_NEEDED =
  'Enter the password you chose when you started creating this account. We ask for it because this browser is not the one that started.';

/** Confirms the typed code; on success the account exists and the caller may start a session. */
export async function confirmSignupCode(deps: Deps, flowId: string, code: string, author: SignupAuthor, info: RequestInfo): Promise<string> {
  const flow = await loadSignupFlow(deps, flowId);
  requireState(flow, 'confirm_email');
  const proof = authorProof(flow, author);
  const cd = codeDeps(deps);
  const record = await findPending(cd, { flowId }, 'signup_email');
  try {
    // checkCode reserves this try's attempt; the password, when needed, is checked under the same one.
    await checkCode(cd, record, code);
    if (proof === 'password') await checkFlowPassword(flow, author.password!);
  } catch (error) {
    await recordEvent(deps.db, deps.clock, { accountId: null, type: 'code.failed', info, detail: { purpose: 'signup_email' } });
    throw error;
  }
  await claimCode(cd, record!);
  return completeSignup(deps, flow, info);
}

/** Confirms by the emailed link; the flow is whichever one the link's token was made for. */
export async function confirmSignupLink(deps: Deps, flowId: string, token: string, author: SignupAuthor, info: RequestInfo): Promise<string> {
  const flow = await loadSignupFlow(deps, flowId);
  requireState(flow, 'confirm_email');
  const proof = authorProof(flow, author);
  const cd = codeDeps(deps);
  const record = await findLink(cd, token, 'signup_email');
  if (record.flow_id !== flow.id) throw errors.codeExpired();
  if (proof === 'password') {
    await reserveAttempt(cd, record);
    await checkFlowPassword(flow, author.password!);
  }
  await claimCode(cd, record);
  return completeSignup(deps, flow, info);
}

/** Whether the caller is the browser that started the flow, or brings a password to check; neither is refused. */
function authorProof(flow: Flow<SignupData>, author: SignupAuthor): 'browser' | 'password' {
  const { browserHash } = flow.data;
  if (author.browserSecret && browserHash && constantTimeEqual(sha256(author.browserSecret), browserHash)) return 'browser';
  if (author.password) return 'password';
  throw errors.invalidInput({ password: PASSWORD_NEEDED }, PASSWORD_NEEDED);
}

async function checkFlowPassword(flow: Flow<SignupData>, typed: string): Promise<void> {
  const password = normalizePassword(typed);
  const matches = flow.data.passwordHash ? await verifyPassword(flow.data.passwordHash, password) : (await burnVerifyTime(password), false);
  if (!matches) throw errors.signupPasswordIncorrect();
}

async function completeSignup(deps: Deps, flow: Flow<SignupData>, info: RequestInfo): Promise<string> {
  const data = flow.data;
  // An existing address never had a code sent, so reaching here means a bug; refuse rather than merge.
  if (data.existing) throw errors.codeExpired();
  const accountId = await inTransaction(deps, async (tx) => {
    if (await isIdentifierTaken(tx.db, data.email, tx.clock.now(), null)) {
      throw new AppError(409, 'signup.email_taken', 'This email address already has an account. Please sign in instead.');
    }
    const id = await insertAccount(tx.db, tx.clock, { name: data.name, passwordHash: data.passwordHash, email: data.email });
    await advanceFlow(tx.db, tx.clock, flow, 'confirm_email', { state: 'done', accountId: id, data: { ...data, passwordHash: '' }, done: true });
    await recordEvent(tx.db, tx.clock, { accountId: id, type: 'signup.completed', info });
    // The browser that created the account is its first known device: signing in from it again is no news.
    await rememberDevice(tx, tx.db, id, info);
    await recordEvent(tx.db, tx.clock, { accountId: id, type: 'email.verified', info });
    if (data.phone) await startPhoneConfirmation(tx, { accountId: id, phone: data.phone, info });
    return id;
  });
  return accountId;
}
