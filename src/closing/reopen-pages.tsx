import { PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';
import { continueSignin } from '../signin/continue-signin.js';
import { renderSignInAgain } from '../signin/sign-in-again.js';
import { REOPEN_PAGE } from './reopen.js';
import { reopenAndSignIn, waitingToReopen } from './reopen-signin.js';

/**
 * "Your account is closed — reopen it?", after the password (and second step) of an account its customer closed,
 * in the grace period. Nothing is reopened without the customer's click: someone who only wanted to look, or
 * who closed it on purpose, leaves it closed by going away.
 */
export function registerReopenPages(routes: PageRoutes): void {
  routes.get(REOPEN_PAGE, 'anyone', async (page) => {
    const flowId = page.query('flow') ?? '';
    if (!(await waitingToReopen(page.deps, flowId))) return renderSignInAgain(page, 409);
    return renderReopen(page, flowId, NO_PROBLEM);
  });

  routes.post(REOPEN_PAGE, 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      return continueSignin(page, await reopenAndSignIn(page.deps, flowId, page.info));
    } catch (error) {
      const problem = page.problem(error);
      if (!(await waitingToReopen(page.deps, flowId))) return renderSignInAgain(page, problem.status);
      return renderReopen(page, flowId, problem);
    }
  });
}

function renderReopen(page: Page, flowId: string, problem: FormProblem) {
  return page.render(
    { title: 'Your account is closed' },
    <section class="card narrow">
      <h1>Your account is closed — reopen it?</h1>
      <Problem problem={problem} />
      <p>You closed this account. It has not been erased yet, so you can reopen it now: everything in it is as you left it, except that partner sites will ask you again before they sign you in.</p>
      <p>If you leave it closed, its personal data is erased at the end of the grace period.</p>
      <PostForm action={REOPEN_PAGE} csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <div class="form-actions">
          <button type="submit" class="button">
            Reopen my account
          </button>
          <a href="/">Keep it closed</a>
        </div>
      </PostForm>
    </section>,
    problem.status,
  );
}
