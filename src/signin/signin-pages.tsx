import { isProblem, parseIdentifier } from '../accounts/identifiers.js';
import { Field } from '../platform/web/forms.js';
import { isFlowGone } from '../platform/flows.js';
import { loadSignin, signinReturnTo, startSignin, submitIdentifier } from './flow.js';
import { returnToQuery } from '../platform/web/return-to.js';
import { submitPassword } from './password-signin.js';
import { hasImportedCustomers } from '../imports/store.js';
import { continueSignin } from './continue-signin.js';
import { SIGNIN_TIMED_OUT_IDENTIFIER } from './sign-in-again.js';
import { IdentifierField, PostForm, Problem, ReturnToField, UsernameHint } from '../platform/web/page-parts.js';
import { PASSKEY_SCRIPTS, PasskeySignin } from '../methods/passkey/passkey-pages.js';
import { RetryLinkOffer } from './retry-link-pages.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';

/**
 * Sign in: who you are (email or phone) → password → Your Account. The first step accepts any well-formed
 * identifier, and a wrong password, an unknown account and a locked one fail alike on the second (ASVS 6.3.8).
 */
export function registerSigninPages(routes: PageRoutes): void {
  // `return_to` (a page here, or the shop's own site) rides in the form only until the flow starts; from then on
  // the flow holds it, and no later step reads it from the browser.
  // "Sign in again" after a sign-in timed out links here with `from`, that sign-in's id: its destination is kept.
  routes.get('/signin', 'anyone', async (page) => renderIdentifier(page, NO_PROBLEM, page.returnTo ?? (await signinReturnTo(page.deps, page.query('from')))));

  routes.post('/signin', 'anyone', async (page) => {
    try {
      const flow = await startSignin(page.deps, page.returnTo);
      await submitIdentifier(page.deps, flow.id, page.field('identifier'));
      return page.redirect(`/signin/password?flow=${encodeURIComponent(flow.id)}`);
    } catch (error) {
      return renderIdentifier(page, page.problem(error), page.returnTo, page.echo('identifier'));
    }
  });

  routes.get('/signin/password', 'anyone', async (page) => {
    const flowId = page.query('flow');
    if (!flowId) return page.redirect('/signin');
    return renderPassword(page, flowId, NO_PROBLEM);
  });

  routes.post('/signin/password', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      return continueSignin(page, await submitPassword(page.deps, flowId, page.field('password'), page.info));
    } catch (error) {
      return renderPassword(page, flowId, page.problem(error));
    }
  });
}

function renderIdentifier(page: Page, problem: FormProblem, returnTo: string | undefined, identifier?: string) {
  return page.render(
    { title: 'Sign in', scripts: PASSKEY_SCRIPTS },
    <section class="card narrow">
      <h1>Sign in</h1>
      <Problem problem={problem} />
      <PostForm action="/signin" csrf={page.csrf}>
        <ReturnToField value={returnTo} />
        <IdentifierField label="Email or mobile phone number" autocomplete="username" value={identifier} error={problem.fields.identifier} />
        <button type="submit" class="button">Continue</button>
      </PostForm>
      {/* Or sign in with a passkey alone (passkey-pages.tsx, public/passkeys.js). */}
      <PasskeySignin returnTo={returnTo} />
      <p class="aside">
        New here? <a href={`/signup${returnToQuery(returnTo)}`}>Create your account</a>
      </p>
    </section>,
    problem.status,
  );
}

async function renderPassword(page: Page, flowId: string, problem: FormProblem) {
  let identifier: string;
  let returnTo: string | undefined;
  try {
    const flow = await loadSignin(page.deps, flowId);
    returnTo = flow.data.returnTo;
    if (flow.state !== 'password' || !flow.data.identifier) return page.redirect(`/signin${returnToQuery(returnTo)}`);
    identifier = flow.data.identifier;
  } catch (error) {
    const gone = page.problem(error);
    return renderIdentifier(page, { ...gone, message: SIGNIN_TIMED_OUT_IDENTIFIER }, await signinReturnTo(page.deps, flowId));
  }
  if (isFlowGone(problem.code)) return renderIdentifier(page, { ...problem, message: SIGNIN_TIMED_OUT_IDENTIFIER }, returnTo);
  const imported = await hasImportedCustomers(page.deps.db);
  return page.render(
    { title: 'Sign in' },
    <section class="card narrow">
      <h1>Sign in</h1>
      <Problem problem={problem} />
      <p class="signing-in-as">
        <span class="identifier">{identifier}</span> <a href={`/signin${returnToQuery(returnTo)}`}>Change<span class="visually-hidden"> email or phone number</span></a>
      </p>
      <PostForm action="/signin/password" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <UsernameHint value={identifier} />
        <Field name="password" label="Password" type="password" autocomplete="current-password" error={problem.fields.password} spellcheck={false} required autofocus />
        <p class="field-link">
          <a href="/recovery/password">Forgot your password?</a>
        </p>
        {/* Shown for every identifier alike: customers moved from the shop's previous system without a password. */}
        {imported ? (
          <p class="hint" id="imported-hint">
            New here since the shop moved its accounts? If you never set a password here, choose one with <a href="/recovery/password">Forgot your password?</a>
          </p>
        ) : null}
        <button type="submit" class="button">Sign in</button>
      </PostForm>
      {/* Paused by too many attempts: the owner can let this browser try again (NIST §3.2.2). */}
      {problem.code === 'throttled' ? <RetryLinkOffer flowId={flowId} csrf={page.csrf} /> : null}
      {isPhone(page, identifier) ? (
        // Passwordless with a phone number (sms-signin-page.tsx): a post, since it sends a text message.
        <PostForm action="/signin/sms" csrf={page.csrf} class="alternative-signin">
          <input type="hidden" name="flow" value={flowId} />
          <button type="submit" class="link-button">Text me a code instead</button>
        </PostForm>
      ) : null}
    </section>,
    problem.status,
  );
}

function isPhone(page: Page, identifier: string): boolean {
  const parsed = parseIdentifier(identifier, page.deps.config.defaultPhoneRegion);
  return !isProblem(parsed) && parsed.kind === 'phone';
}
