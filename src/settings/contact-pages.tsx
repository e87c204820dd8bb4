import { removePhone, resendContactCode } from './contact-changes.js';
import { getProfile } from '../accounts/profile.js';
import { Field } from '../platform/web/forms.js';
import { asCodeProblem, BackLink, CodeField, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { EMAIL, PHONE, type ContactKind } from './contact-kinds.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';

/**
 * Change email / add, change or remove the mobile number. Asking for a new one, or removing the phone, needs
 * a recent password confirmation (ASVS 7.5.1); entering the code does not, since only the new address's owner
 * has it.
 */
export function registerContactPages(routes: PageRoutes): void {
  for (const kind of [EMAIL, PHONE]) registerContactKind(routes, kind);

  routes.post('/account/phone/remove', recentStepUp.returningTo('/account/phone'), async (page) => {
    try {
      await removePhone(page.deps, { accountId: page.session.accountId, info: page.info });
      return page.redirect('/account/security?notice=phone-removed');
    } catch (error) {
      return renderRequestForm(page, PHONE, page.problem(error));
    }
  });
}

function registerContactKind(routes: PageRoutes, kind: ContactKind): void {
  routes.get(kind.path, recentStepUp.returningTo(kind.path), async (page) => renderRequestForm(page, kind, NO_PROBLEM));

  routes.post(kind.path, recentStepUp.returningTo(kind.path), async (page) => {
    try {
      await kind.request(page.deps, { accountId: page.session.accountId, value: page.field(kind.field), info: page.info });
      return page.redirect(`${kind.path}/confirm`);
    } catch (error) {
      return renderRequestForm(page, kind, page.problem(error), page.echo(kind.field));
    }
  });

  routes.get(`${kind.path}/confirm`, signedIn, async (page) => {
    const notice = page.query('sent') === '1' ? 'We sent you a new code. Only the newest code works.' : undefined;
    return renderConfirmForm(page, kind, NO_PROBLEM, notice);
  });

  routes.post(`${kind.path}/confirm`, signedIn, async (page) => {
    try {
      await kind.confirm(page.deps, { accountId: page.session.accountId, code: page.field('code', 20), info: page.info });
      return page.redirect(`/account/security?notice=${kind.field}`);
    } catch (error) {
      return renderConfirmForm(page, kind, asCodeProblem(page.problem(error)));
    }
  });

  routes.post(`${kind.path}/resend`, signedIn, async (page) => {
    try {
      await resendContactCode(page.deps, { accountId: page.session.accountId, purpose: kind.purpose, info: page.info });
      return page.redirect(`${kind.path}/confirm?sent=1`);
    } catch (error) {
      return renderConfirmForm(page, kind, page.problem(error));
    }
  });
}

async function renderRequestForm(page: SignedInPage, kind: ContactKind, problem: FormProblem, typed?: string) {
  const profile = await getProfile(page.deps, page.session.accountId);
  const current = kind.current(profile);
  return page.render(
    { title: kind.title },
    <>
      <BackLink href="/account/security">Login &amp; Security</BackLink>
      <section class="card narrow">
        <h1>{kind.title}</h1>
        <Problem problem={problem} />
        {current ? (
          <p>
            Current: <strong class="identifier">{current}</strong>
          </p>
        ) : null}
        <PostForm action={kind.path} csrf={page.csrf}>
          <Field
            name={kind.field}
            label={current ? kind.label : kind.label.replace(/^New /, '')}
            type={kind.inputType}
            autocomplete={kind.autocomplete}
            hint={kind.hint}
            value={typed}
            error={problem.fields[kind.field]}
            spellcheck={false}
            autocapitalize="none"
            required
            autofocus
          />
          <div class="form-actions">
            <button type="submit" class="button">Send a code</button>
            <a href="/account/security">Cancel</a>
          </div>
        </PostForm>
        {kind === PHONE && current ? (
          <div class="aside danger-zone">
            <h2>Remove your mobile number</h2>
            <p>You will no longer be able to sign in with it or get codes by text message.</p>
            <PostForm action="/account/phone/remove" csrf={page.csrf}>
              <button type="submit" class="button danger">Remove number</button>
            </PostForm>
          </div>
        ) : null}
      </section>
    </>,
    problem.status,
  );
}

async function renderConfirmForm(page: SignedInPage, kind: ContactKind, problem: FormProblem, notice?: string) {
  const pending = kind.pending(await getProfile(page.deps, page.session.accountId));
  if (!pending && problem.status < 400) return page.redirect('/account/security');
  if (!pending) {
    // The last wrong try used the code up: say so, and offer a fresh start.
    return page.render(
      { title: 'Enter the code' },
      <section class="card narrow">
        <h1>Enter the code</h1>
        <Problem problem={{ ...problem, fields: {}, message: problem.message ?? problem.fields.code }} />
        <p class="actions">
          <a class="button" href={kind.path}>Start again</a>
        </p>
      </section>,
      problem.status,
    );
  }
  return page.render(
    { title: 'Enter the code', notice },
    <>
      <BackLink href="/account/security">Login &amp; Security</BackLink>
      <section class="card narrow">
        <h1>Enter the code</h1>
        <Problem problem={problem} />
        <p>
          We sent a code by {kind.channel} to <strong class="identifier">{pending}</strong>.
        </p>
        <PostForm action={`${kind.path}/confirm`} csrf={page.csrf}>
          <CodeField error={problem.fields.code} hint={kind.codeHint} />
          <button type="submit" class="button">Confirm</button>
        </PostForm>
        <div class="aside">
          <p>Didn't get it? It can take a minute to arrive.</p>
          <PostForm action={`${kind.path}/resend`} csrf={page.csrf} class="inline-form">
            <button type="submit" class="button secondary">Send a new code</button>
          </PostForm>
          <p>
            Wrong {kind.field === 'email' ? 'address' : 'number'}? <a href={kind.path}>Enter it again</a>
          </p>
        </div>
      </section>
    </>,
    problem.status,
  );
}
