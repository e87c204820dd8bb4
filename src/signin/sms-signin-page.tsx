import { AppError } from '../platform/errors.js';
import { isFlowGone } from '../platform/flows.js';
import { loadSignin, type SigninFlow } from './flow.js';
import { continueSignin } from './continue-signin.js';
import { returnToQuery } from '../platform/web/return-to.js';
import { renderSignInAgain, SIGNIN_TIMED_OUT_IDENTIFIER } from './sign-in-again.js';
import { requestSmsSignin, verifySmsSignin } from './sms-signin.js';
import { asCodeProblem, CodeField, PostForm, Problem, ResendCode } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';

/**
 * Sign in with a texted code instead of the password, from the password step when the customer gave a phone
 * number. One factor: an account with two-step verification goes on to its second step (not SMS). The page
 * reads the same whether or not the number has an account, since the domain texts only real ones.
 */
export function registerSmsSigninPage(routes: PageRoutes): void {
  routes.post('/signin/sms', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    const again = page.field('again', 10) === '1';
    try {
      await requestSmsSignin(page.deps, flowId, page.info);
      return page.redirect(`${smsPath(flowId)}${again ? '&sent=1' : ''}`);
    } catch (error) {
      return renderSmsCode(page, flowId, page.problem(error));
    }
  });

  routes.get('/signin/sms', 'anyone', async (page) => {
    const flowId = page.query('flow');
    if (!flowId) return page.redirect('/signin');
    const notice = page.query('sent') === '1' ? 'We sent you a new code. Only the newest code works.' : undefined;
    return renderSmsCode(page, flowId, NO_PROBLEM, notice);
  });

  routes.post('/signin/sms/verify', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      return continueSignin(page, await verifySmsSignin(page.deps, flowId, page.field('code', 20), page.info));
    } catch (error) {
      return renderSmsCode(page, flowId, asCodeProblem(page.problem(error)));
    }
  });
}

function smsPath(flowId: string): string {
  return `/signin/sms?flow=${encodeURIComponent(flowId)}`;
}

function passwordPath(flowId: string): string {
  return `/signin/password?flow=${encodeURIComponent(flowId)}`;
}

async function renderSmsCode(page: Page, flowId: string, problem: FormProblem, notice?: string) {
  let flow: SigninFlow;
  try {
    flow = await loadSignin(page.deps, flowId);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return renderSignInAgain(page, error.status, SIGNIN_TIMED_OUT_IDENTIFIER, flowId);
  }
  if (flow.state !== 'password' || !flow.data.identifier || isFlowGone(problem.code)) return renderSignInAgain(page, 409, SIGNIN_TIMED_OUT_IDENTIFIER, flowId);
  // The account texts its own second step, and a texted code can't be both: back to the password.
  if (problem.code === 'signin.password_required' || problem.code === 'signin.sms_needs_phone') return renderUsePassword(page, flowId, problem);
  return page.render(
    { title: 'Sign in', notice },
    <section class="card narrow">
      <h1>Sign in</h1>
      <Problem problem={problem} />
      <p class="signing-in-as">
        <span class="identifier">{flow.data.identifier}</span>{' '}
        <a href={`/signin${returnToQuery(flow.data.returnTo)}`}>
          Change<span class="visually-hidden"> phone number</span>
        </a>
      </p>
      <p>If that number belongs to an account, we've texted a 6-digit code to it.</p>
      <PostForm action="/signin/sms/verify" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <CodeField error={problem.fields.code} hint="It expires 10 minutes after we sent it." />
        <button type="submit" class="button">Sign in</button>
      </PostForm>
      <ResendCode action="/signin/sms" csrf={page.csrf} flowId={flowId} extra={{ again: '1' }} note="Didn't get it? It can take a minute to arrive." label="Send a new code" />
      <p class="aside">
        <a href={passwordPath(flowId)}>Use your password instead</a>
      </p>
    </section>,
    problem.status,
  );
}

function renderUsePassword(page: Page, flowId: string, problem: FormProblem) {
  return page.render(
    { title: 'Sign in' },
    <section class="card narrow">
      <h1>Sign in with your password</h1>
      <Problem problem={problem} />
      <p class="actions">
        <a class="button" href={passwordPath(flowId)}>Sign in with your password</a>
      </p>
    </section>,
    problem.status,
  );
}
