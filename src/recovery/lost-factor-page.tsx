import { reopenLocation } from '../closing/reopen.js';
import { listIdentifiers } from '../accounts/store.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { AppError } from '../platform/errors.js';
import { Field } from '../platform/web/forms.js';
import { finishLostFactor, NEEDS_SUPPORT_MESSAGE, startLostFactor } from './lost-factor.js';
import { isFlowGone } from '../platform/flows.js';
import { loadSignin, type SigninFlow } from '../signin/flow.js';
import { renderSignInAgain } from '../signin/sign-in-again.js';
import { PostForm, Problem, ResendCode } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';

/**
 * Lost every second step, from the second step of sign-in (so the password is already proven): a code to the
 * confirmed email and a code to the confirmed phone, both entered, stand in for it (ASVS 6.4.4). Success signs in
 * with the second steps removed, and the customer goes straight to setting one up again. An account without
 * both contacts is told, calmly, to ask customer service.
 */
/** Two codes, one answer: the domain doesn't say which was wrong, and neither does the page. */
const ABOUT_BOTH: Record<string, string> = {
  'code.invalid': 'One or both codes are not correct. Check the newest email and text message, and try again.',
  'code.expired': 'The codes have expired or were already used. Please ask for new ones.',
  'code.too_many_attempts': 'Too many wrong codes. Please ask for new ones.',
};

export function registerLostFactorPage(routes: PageRoutes): void {
  routes.get('/signin/verify/lost', 'anyone', async (page) => {
    const flow = await waitingFlow(page, page.query('flow'));
    if (!flow) return renderSignInAgain(page, 409);
    if (page.query('sent') === '1') return renderCodes(page, flow, NO_PROBLEM, true);
    return renderExplain(page, flow.id, NO_PROBLEM);
  });

  routes.post('/signin/verify/lost', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      await startLostFactor(page.deps, flowId, page.info);
      return page.redirect(`/signin/verify/lost?flow=${encodeURIComponent(flowId)}&sent=1`);
    } catch (error) {
      const problem = page.problem(error);
      if (problem.code === 'recovery.needs_support') return renderNeedsSupport(page, flowId, problem.status);
      if (isFlowGone(problem.code)) return renderSignInAgain(page, problem.status);
      return renderExplain(page, flowId, problem);
    }
  });

  routes.post('/signin/verify/lost/verify', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      const codes = { emailCode: page.field('emailCode', 20), smsCode: page.field('smsCode', 20) };
      const result = await finishLostFactor(page.deps, flowId, codes, page.info);
      if (result.state === 'reopen') return page.redirect(reopenLocation(result.flowId));
      page.signIn(result);
      return page.redirect('/account/two-step');
    } catch (error) {
      const problem = page.problem(error);
      if (isFlowGone(problem.code)) return renderSignInAgain(page, problem.status);
      const flow = await waitingFlow(page, flowId);
      if (!flow) return renderSignInAgain(page, 409);
      const message = ABOUT_BOTH[problem.code] ?? problem.message;
      return renderCodes(page, flow, { ...problem, message }, false);
    }
  });
}

/** The sign-in flow, if it is waiting for the second step; anything else means starting again. */
async function waitingFlow(page: Page, flowId: string | undefined): Promise<SigninFlow | undefined> {
  if (!flowId) return undefined;
  try {
    const flow = await loadSignin(page.deps, flowId);
    return flow.state === 'second_factor' && flow.accountId ? flow : undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return undefined;
  }
}

function renderExplain(page: Page, flowId: string, problem: FormProblem) {
  return page.render(
    { title: 'Sign in without your second step' },
    <section class="card narrow">
      <h1>Lost access to your second step?</h1>
      <Problem problem={problem} />
      <p>We'll send one code to your email and one to your phone; enter both.</p>
      <p class="muted">Then we'll turn off two-step verification on your account and ask you to set it up again. We'll tell you at every address on your account.</p>
      <PostForm action="/signin/verify/lost" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <button type="submit" class="button">Send the codes</button>
      </PostForm>
      <BackToVerify flowId={flowId} />
    </section>,
    problem.status,
  );
}

/** Where the codes went, masked: the confirmed email and phone, as startLostFactor chose them. */
async function sentTo(page: Page, accountId: string): Promise<{ email: string; phone: string } | undefined> {
  const identifiers = await listIdentifiers(page.deps.db, accountId);
  const email = identifiers.find((i) => i.kind === 'email' && i.verified);
  const phone = identifiers.find((i) => i.kind === 'phone' && i.verified);
  return email && phone ? { email: maskEmail(email.value), phone: maskPhone(phone.normalized) } : undefined;
}

async function renderCodes(page: Page, flow: SigninFlow, problem: FormProblem, sent: boolean) {
  const where = await sentTo(page, flow.accountId!);
  if (!where) return renderExplain(page, flow.id, problem);
  return page.render(
    { title: 'Sign in without your second step', notice: sent ? 'We sent the codes. They expire in 10 minutes.' : undefined },
    <section class="card narrow">
      <h1>Enter both codes</h1>
      <Problem problem={problem} />
      <p>
        We sent one code to <strong class="identifier">{where.email}</strong> and one by text message to{' '}
        <strong class="identifier">{where.phone}</strong>.
      </p>
      <PostForm action="/signin/verify/lost/verify" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flow.id} />
        <div class="code-field">
          <Field name="emailCode" label="Code from the email" inputmode="numeric" autocomplete="one-time-code" spellcheck={false} autocapitalize="none" maxLength={12} required autofocus />
        </div>
        <div class="code-field">
          <Field name="smsCode" label="Code from the text message" inputmode="numeric" autocomplete="one-time-code" spellcheck={false} autocapitalize="none" maxLength={12} required />
        </div>
        <button type="submit" class="button">Continue</button>
      </PostForm>
      <ResendCode action="/signin/verify/lost" csrf={page.csrf} flowId={flow.id} note="Didn't get them? It can take a minute. A new pair replaces these." label="Send new codes" />
      <BackToVerify flowId={flow.id} />
    </section>,
    problem.status,
  );
}

function renderNeedsSupport(page: Page, flowId: string, status: number) {
  return page.render(
    { title: 'Sign in without your second step' },
    <section class="card narrow">
      <h1>We need to check it's you</h1>
      <div class="callout">
        <p>{NEEDS_SUPPORT_MESSAGE}</p>
      </div>
      <BackToVerify flowId={flowId} />
    </section>,
    status,
  );
}

function BackToVerify({ flowId }: { flowId: string }) {
  return (
    <p class="aside">
      <a href={`/signin/verify?flow=${encodeURIComponent(flowId)}`}>Back to two-step verification</a>
    </p>
  );
}
