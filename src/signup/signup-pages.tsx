import { loadSignupFlow, resendSignupCode, startSignup, signInAfterSignup, signupDestination } from './signup.js';
import { returnToQuery } from '../platform/web/return-to.js';
import { confirmSignupCode } from './signup-confirm.js';
import { browserSecretFor, clearSignupCookie, setSignupCookie } from './signup-cookie.js';
import { Field } from '../platform/web/forms.js';
import { asCodeProblem, CodeField, NewPasswordField, PASSWORD_METER_SCRIPT, PostForm, Problem, ReturnToField } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';
import { SignupAuthorField } from './signup-link-pages.js';

/**
 * Create account → "check your email" → code → signed in. The account exists only once the code (or the
 * emailed link, see signup-link-pages) proves the address; the pages look the same whether or not the
 * address already has an account (ASVS 6.3.8).
 */
export function registerSignupPages(routes: PageRoutes): void {
  // `return_to` rides in the form until the flow starts, then the flow holds it (and the emailed link's page reads it there).
  routes.get('/signup', 'anyone', async (page) => page.render(signupOptions, <SignupForm csrf={page.csrf} problem={NO_PROBLEM} returnTo={page.returnTo} />));

  routes.post('/signup', 'anyone', async (page) => {
    try {
      const input = { name: page.field('name'), email: page.field('email'), phone: page.field('phone'), password: page.field('password') };
      const started = await startSignup(page.deps, input, page.info, page.returnTo);
      setSignupCookie(page.reply, page.deps.config, started);
      return page.redirect(`/signup/confirm?flow=${encodeURIComponent(started.flowId)}`);
    } catch (error) {
      const problem = page.problem(error);
      const values = { name: page.echo('name'), email: page.echo('email'), phone: page.echo('phone') };
      return page.render(signupOptions, <SignupForm csrf={page.csrf} problem={problem} values={values} returnTo={page.returnTo} />, problem.status);
    }
  });

  routes.get('/signup/confirm', 'anyone', async (page) => {
    const flowId = page.query('flow');
    if (!flowId) return page.redirect('/signup');
    const notice = page.query('sent') === '1' ? 'We sent you a new code. Only the newest code works.' : undefined;
    return renderConfirm(page, flowId, NO_PROBLEM, notice);
  });

  routes.post('/signup/confirm', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      const author = { browserSecret: browserSecretFor(page.request, flowId), password: page.field('password') || undefined };
      const accountId = await confirmSignupCode(page.deps, flowId, page.field('code', 20), author, page.info);
      const session = await signInAfterSignup(page.deps, accountId, page.info);
      page.signIn(session);
      clearSignupCookie(page.reply, page.deps.config);
      return page.redirect(await signupDestination(page.deps, flowId));
    } catch (error) {
      return renderConfirm(page, flowId, asCodeProblem(page.problem(error)));
    }
  });

  routes.post('/signup/resend', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      await resendSignupCode(page.deps, flowId, page.info);
      return page.redirect(`/signup/confirm?flow=${encodeURIComponent(flowId)}&sent=1`);
    } catch (error) {
      return renderConfirm(page, flowId, page.problem(error));
    }
  });
}

const signupOptions = { title: 'Create account', scripts: [PASSWORD_METER_SCRIPT] };

function SignupForm(props: { csrf: string; problem: FormProblem; values?: { name: string; email: string; phone: string }; returnTo?: string }) {
  const { fields } = props.problem;
  return (
    <section class="card narrow">
      <h1>Create account</h1>
      <Problem problem={props.problem} />
      <PostForm action="/signup" csrf={props.csrf}>
        <ReturnToField value={props.returnTo} />
        <Field name="name" label="Your name" autocomplete="name" value={props.values?.name} error={fields.name} required />
        <Field name="email" label="Email address" type="email" autocomplete="email" value={props.values?.email} error={fields.email} spellcheck={false} autocapitalize="none" required />
        <Field
          name="phone"
          label="Mobile phone number (optional)"
          type="tel"
          autocomplete="tel"
          hint="We'll text you a code to confirm it. You can then use it to sign in."
          value={props.values?.phone}
          error={fields.phone}
        />
        <NewPasswordField name="password" label="Password" error={fields.password} />
        <button type="submit" class="button">Create your account</button>
      </PostForm>
      <p class="aside">
        Already have an account? <a href={`/signin${returnToQuery(props.returnTo)}`}>Sign in</a>
      </p>
    </section>
  );
}

/** The "check your email" page, also shown again with the problem when a code or a resend fails. */
async function renderConfirm(page: Page, flowId: string, problem: FormProblem, notice?: string) {
  let email: string;
  try {
    const flow = await loadSignupFlow(page.deps, flowId);
    if (flow.state !== 'confirm_email') return page.redirect('/signin');
    email = flow.data.email.value;
  } catch (error) {
    const gone = page.problem(error);
    return page.render(
      { title: 'Create account' },
      <section class="card narrow">
        <h1>Please start again</h1>
        <p>{gone.message}</p>
        <p class="actions">
          <a class="button" href="/signup">Create account</a>
        </p>
      </section>,
      gone.status,
    );
  }
  return page.render(
    { title: 'Check your email', notice },
    <section class="card narrow">
      <h1>Check your email</h1>
      <Problem problem={problem} />
      <p>
        We sent a 6-digit code to <strong class="identifier">{email}</strong>. Enter it below to finish creating your
        account, or use the link in the email.
      </p>
      <PostForm action="/signup/confirm" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <CodeField error={problem.fields.code} hint="The code expires in 24 hours." />
        {browserSecretFor(page.request, flowId) ? null : <SignupAuthorField error={problem.fields.password} />}
        <button type="submit" class="button">Confirm and continue</button>
      </PostForm>
      <div class="aside">
        <p>Didn't get it? Check your spam folder, or ask for a new code.</p>
        <PostForm action="/signup/resend" csrf={page.csrf} class="inline-form">
          <input type="hidden" name="flow" value={flowId} />
          <button type="submit" class="button secondary">Send a new code</button>
        </PostForm>
        <p>
          Wrong address? <a href="/signup">Start again</a>
        </p>
      </div>
    </section>,
    problem.status,
  );
}
