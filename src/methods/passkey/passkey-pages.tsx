import { customer } from '../method.js';
import { secondStepMethods } from '../registry.js';
import { listPasskeys, removePasskey, renamePasskey, PASSKEY_NAME_MAX } from './passkeys.js';
import type { StoredPasskey } from './passkey-store.js';
import { formatTime } from '../../platform/format.js';
import { Field } from '../../platform/web/forms.js';
import { loadSignin } from '../../signin/flow.js';
import { renderSignInAgain } from '../../signin/sign-in-again.js';
import { BackLink, PostForm, Problem } from '../../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../../sessions/guards.js';
import { recentStepUp } from '../../signin/step-up-guard.js';

/**
 * Passkeys: the list (name, added, last used) with rename and remove, "Add a passkey", the sign-in button and the
 * second step. Creating and using a passkey happens in the browser (public/passkeys.js over the JSON API); without
 * JavaScript the passkey buttons stay hidden and a line says why, while rename and remove are plain forms.
 * Adding and removing need a recent password confirmation (ASVS 7.5.1).
 */
export const PASSKEY_SCRIPTS = ['/assets/simplewebauthn-browser.js', '/assets/passkey-buttons.js', '/assets/passkeys.js'];

const NOTICES: Record<string, string> = {
  added: 'Your passkey was added. You can use it to sign in.',
  renamed: 'Your passkey was renamed.',
  removed: 'Your passkey was removed.',
};

export function registerPasskeyPages(routes: PageRoutes): void {
  routes.get('/account/passkeys', signedIn, async (page) => renderPasskeys(page, NO_PROBLEM, NOTICES[page.query('notice') ?? '']));

  routes.post('/account/passkeys/rename', signedIn, async (page) => {
    const id = page.field('passkey', 200);
    try {
      await renamePasskey(page.deps, { accountId: page.session.accountId, id, name: page.field('name', 1000) });
      return page.redirect('/account/passkeys?notice=renamed');
    } catch (error) {
      return renderPasskeys(page, page.problem(error), undefined, id);
    }
  });

  routes.post('/account/passkeys/remove', recentStepUp.returningTo('/account/passkeys'), async (page) => {
    try {
      await removePasskey(page.deps, { accountId: page.session.accountId, id: page.field('passkey', 200), info: page.info });
      return page.redirect('/account/passkeys?notice=removed');
    } catch (error) {
      return renderPasskeys(page, page.problem(error));
    }
  });

  routes.get('/signin/verify/passkey', 'anyone', async (page) => renderSecondStep(page, page.query('flow')));
}

async function renderPasskeys(page: SignedInPage, problem: FormProblem, notice?: string, failedId?: string) {
  const passkeys = await listPasskeys(page.deps.db, page.session.accountId);
  return page.render(
    { title: 'Passkeys', notice, scripts: PASSKEY_SCRIPTS },
    <>
      <BackLink href="/account/security">Login &amp; Security</BackLink>
      <h1 class="page-title">Passkeys</h1>
      {/* A rename error belongs to that row's input, so the summary links there. */}
      <Problem problem={failedId ? { ...problem, fields: { [`rename-${failedId}`]: problem.fields.name } } : problem} />
      <section class="card" aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">Your passkeys</h2>
        <p class="hint">
          A passkey signs you in with your fingerprint, face or screen lock instead of a password. It only works on this site, so it can't be
          phished.
        </p>
        {passkeys.length === 0 ? (
          <p class="muted">You haven't added a passkey yet.</p>
        ) : (
          <ul class="sessions">
            {passkeys.map((passkey) => (
              <PasskeyRow passkey={passkey} csrf={page.csrf} error={passkey.id === failedId ? problem.fields.name : undefined} />
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="add-passkey-title">
        <h2 id="add-passkey-title">Add a passkey</h2>
        <form class="passkey-form" data-passkey="register" novalidate>
          <Field name="passkey-name" label="Name for this passkey" hint="For example, the device it is on: “Work laptop”." maxLength={PASSKEY_NAME_MAX} autocomplete="off" />
          <PasskeyButton action="register" label="Add a passkey" />
        </form>
      </section>
    </>,
    problem.status,
  );
}

function PasskeyRow(props: { passkey: StoredPasskey; csrf: string; error?: string }) {
  const { passkey } = props;
  const inputId = `rename-${passkey.id}`;
  return (
    <li class="session">
      <div class="session-body">
        <h3>{passkey.label}</h3>
        <p class="muted">
          Added {formatTime(passkey.createdAt)} · {passkey.lastUsedAt ? `Last used ${formatTime(passkey.lastUsedAt)}` : 'Not used yet'}
        </p>
        <PostForm action="/account/passkeys/rename" csrf={props.csrf} class={props.error ? 'field has-error' : 'field'}>
          <input type="hidden" name="passkey" value={passkey.id} />
          <label for={inputId}>
            New name<span class="visually-hidden"> for {passkey.label}</span>
          </label>
          {props.error ? (
            <p class="field-error" id={`${inputId}-error`}>
              <span class="visually-hidden">Error: </span>
              {props.error}
            </p>
          ) : null}
          <input id={inputId} name="name" type="text" value={passkey.label} maxLength={PASSKEY_NAME_MAX} autocomplete="off" aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${inputId}-error` : undefined} />{' '}
          <button type="submit" class="button secondary small">
            Rename<span class="visually-hidden"> {passkey.label}</span>
          </button>
        </PostForm>
      </div>
      <PostForm action="/account/passkeys/remove" csrf={props.csrf} class="inline-form">
        <input type="hidden" name="passkey" value={passkey.id} />
        <button type="submit" class="button danger small">
          Remove<span class="visually-hidden"> {passkey.label}</span>
        </button>
      </PostForm>
    </li>
  );
}

/** A button public/passkeys.js turns on; until then it is hidden and a line says passkeys need JavaScript. */
function PasskeyButton(props: { action: 'register' | 'signin' | 'second-factor'; label: string; flow?: string; secondary?: boolean; returnTo?: string }) {
  // data-return-to: sent with the passkey sign-in's first request, where the flow takes it (checked there again).
  return (
    <div class="passkey-action" data-passkey-action={props.action} data-flow={props.flow} data-return-to={props.returnTo}>
      <p class="field-error" role="alert" data-passkey-error hidden />
      <button type={props.action === 'register' ? 'submit' : 'button'} class={props.secondary ? 'button secondary' : 'button'} data-passkey-button hidden disabled>
        {props.label}
      </button>
      <p class="hint" data-passkey-nojs>
        Passkeys need JavaScript. Turn it on in your browser to use one.
      </p>
    </div>
  );
}

/** The sign-in page's "Sign in with a passkey", below the usual form. */
export function PasskeySignin({ returnTo }: { returnTo?: string }) {
  return (
    <div class="form-actions passkey-signin">
      <PasskeyButton action="signin" label="Sign in with a passkey" secondary returnTo={returnTo} />
    </div>
  );
}

/** The second step with a passkey, for a sign-in waiting in `second_factor`; linked from the verify page. */
async function renderSecondStep(page: Page, flowId: string | undefined) {
  if (!flowId) return page.redirect('/signin');
  let others = false;
  try {
    const flow = await loadSignin(page.deps, flowId);
    if (flow.state !== 'second_factor' || !flow.accountId) return renderSignInAgain(page, 409, undefined, flowId);
    others = (await secondStepMethods(page.deps, customer(flow.accountId), flow.factorsPassed)).some((m) => m !== 'passkey');
  } catch (error) {
    return renderSignInAgain(page, page.problem(error).status, undefined, flowId);
  }
  return page.render(
    { title: 'Two-step verification', scripts: PASSKEY_SCRIPTS },
    <section class="card narrow">
      <h1>Two-step verification</h1>
      <p>Confirm it's you with your passkey.</p>
      <PasskeyButton action="second-factor" label="Use your passkey" flow={flowId} />
      <div class="aside">
        {others ? (
          <p>
            <a href={`/signin/verify?flow=${encodeURIComponent(flowId)}`}>Try another way</a>
          </p>
        ) : null}
        <p>
          Lost access to your passkey? <a href={`/signin/verify/lost?flow=${encodeURIComponent(flowId)}`}>Get help signing in</a>
        </p>
      </div>
    </section>,
  );
}
