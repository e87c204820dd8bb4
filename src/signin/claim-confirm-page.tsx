import { AppError } from '../platform/errors.js';
import { isFlowGone } from '../platform/flows.js';
import { loadSignin, type SigninFlow } from './flow.js';
import { continueSignin } from './continue-signin.js';
import { renderSignInAgain, SIGNIN_TIMED_OUT_IDENTIFIER } from './sign-in-again.js';
import { confirmClaim } from './claim-confirm.js';
import { asCodeProblem, CodeField, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';

/**
 * The code step of a first sign-in with an imported account's unconfirmed email or phone (claim-confirm.ts): shown
 * only after the right password, so it tells nobody anything they did not already prove.
 */
export function registerClaimConfirmPage(routes: PageRoutes): void {
  routes.get('/signin/confirm-identifier', 'anyone', async (page) => {
    const flowId = page.query('flow');
    if (!flowId) return page.redirect('/signin');
    return renderClaimCode(page, flowId, NO_PROBLEM);
  });

  routes.post('/signin/confirm-identifier', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      return continueSignin(page, await confirmClaim(page.deps, flowId, page.field('code', 20), page.info));
    } catch (error) {
      return renderClaimCode(page, flowId, asCodeProblem(page.problem(error)));
    }
  });
}

async function renderClaimCode(page: Page, flowId: string, problem: FormProblem) {
  let flow: SigninFlow;
  try {
    flow = await loadSignin(page.deps, flowId);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return renderSignInAgain(page, error.status, SIGNIN_TIMED_OUT_IDENTIFIER, flowId);
  }
  if (flow.state !== 'confirm_identifier' || isFlowGone(problem.code)) return renderSignInAgain(page, 409, SIGNIN_TIMED_OUT_IDENTIFIER, flowId);
  const isEmail = (flow.data.identifier ?? '').includes('@');
  return page.render(
    { title: 'Confirm it is yours' },
    <section class="card narrow">
      <h1>Confirm it is yours</h1>
      <Problem problem={problem} />
      <p>
        Your account was moved here from the shop's previous system, which never confirmed{' '}
        <span class="identifier">{flow.data.identifier}</span>. We've sent a 6-digit code {isEmail ? 'to that address' : 'to that number'}: enter it to
        sign in.
      </p>
      <PostForm action="/signin/confirm-identifier" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <CodeField error={problem.fields.code} hint="It expires 10 minutes after we sent it." />
        <button type="submit" class="button">Confirm and sign in</button>
      </PostForm>
    </section>,
    problem.status,
  );
}
