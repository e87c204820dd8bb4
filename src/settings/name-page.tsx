import { changeName, getProfile } from '../accounts/profile.js';
import { Field } from '../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';

/** Change your name. Not a sign-in detail, so no password confirmation; the customer is still told by email. */
export function registerNamePage(routes: PageRoutes): void {
  routes.get('/account/name', signedIn, async (page) => {
    const profile = await getProfile(page.deps, page.session.accountId);
    return renderNameForm(page, NO_PROBLEM, profile.name);
  });

  routes.post('/account/name', signedIn, async (page) => {
    try {
      await changeName(page.deps, { accountId: page.session.accountId, name: page.field('name'), info: page.info });
      return page.redirect('/account/security?notice=name');
    } catch (error) {
      return renderNameForm(page, page.problem(error), page.echo('name'));
    }
  });
}

function renderNameForm(page: SignedInPage, problem: FormProblem, name: string) {
  return page.render(
    { title: 'Change your name' },
    <>
      <BackLink href="/account/security">Login &amp; Security</BackLink>
      <section class="card narrow">
        <h1>Change your name</h1>
        <Problem problem={problem} />
        <PostForm action="/account/name" csrf={page.csrf}>
          <Field name="name" label="Your name" autocomplete="name" value={name} error={problem.fields.name} hint="This is how we greet you and address your orders." required />
          <div class="form-actions">
            <button type="submit" class="button">Save changes</button>
            <a href="/account/security">Cancel</a>
          </div>
        </PostForm>
      </section>
    </>,
    problem.status,
  );
}
