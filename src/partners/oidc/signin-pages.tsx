import type Provider from 'oidc-provider';
import type { PageRoutes } from '../../platform/web/page-routes.js';
import { ChoiceGroup } from '../../platform/web/forms.js';
import { PostForm, Problem } from '../../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem } from '../../platform/web/page-routes.js';
import { cspWithFormTarget } from '../../platform/http/security-headers.js';
import { errors } from '../../platform/errors.js';
import { SIGNIN_PAGE, signedIn, signedInOrNot, type SignedInOrNotPage, type SignedInPage } from '../../sessions/guards.js';
import { stepUpLocation } from '../../signin/return-paths.js';
import { choicesFor, type Choices, type SigninClaims } from './claims.js';
import { interactionPath } from './provider.js';
import { finishSignin, needsConfirmation, pendingSignin, refuseSignin, rememberedConsent, type PendingSignin } from './interaction.js';

/**
 * "Sign in with <store>": where the provider sends the browser whenever a partner's authorization needs the
 * customer. A sign-in already present in this browser is used as it is (it was completed with every step the
 * account has); a consent already given for as much is used too, so a returning customer passes straight through.
 */
export function registerPartnerSigninPages(routes: PageRoutes, provider: Provider): void {
  routes.get('/partner-signin/:uid', signedInOrNot, async (page) => {
    const uid = uidOf(page);
    const pending = await pendingSignin(provider, page.request, page.reply, uid);
    if (!page.session) return page.redirect(`${SIGNIN_PAGE}?return_to=${encodeURIComponent(interactionPath(uid))}`);
    const session = page.session;
    if (needsConfirmation(page.deps, pending, session)) return page.redirect(stepUpLocation(`/partner-signin/${uid}`));
    const remembered = await rememberedConsent(page.deps, pending, session.accountId);
    if (!remembered) return renderConsent(page as SignedInPage, pending, await choicesFor(page.deps, session.accountId), NO_PROBLEM);
    const next = await finishSignin(page.deps, provider, { request: page.request, reply: page.reply }, { pending, session, claims: remembered, fresh: false });
    return continueTo(page, next, pending);
  });

  routes.post('/partner-signin/:uid', signedIn, async (page) => {
    const pending = await pendingSignin(provider, page.request, page.reply, uidOf(page));
    if (needsConfirmation(page.deps, pending, page.session)) return page.redirect(stepUpLocation(`/partner-signin/${pending.uid}`));
    page.reply.header('content-security-policy', cspWithFormTarget(pending.redirectOrigin));
    if (page.field('decision', 10) !== 'allow') return page.redirect(await refuseSignin(provider, page.request, page.reply));
    const choices = await choicesFor(page.deps, page.session.accountId);
    try {
      const claims = picksFrom(page, pending, choices);
      const next = await finishSignin(page.deps, provider, { request: page.request, reply: page.reply }, { pending, session: page.session, claims, fresh: true });
      return page.redirect(next);
    } catch (error) {
      return renderConsent(page, pending, choices, page.problem(error));
    }
  });
}

function uidOf(page: { request: { params: unknown } }): string {
  const uid = (page.request.params as { uid?: unknown }).uid;
  if (typeof uid !== 'string' || !/^[\w-]{1,64}$/.test(uid)) throw errors.notFound();
  return uid;
}

/**
 * A plain redirect, except after one of our own forms (sign-in, confirm password): browsers hold every redirect
 * after a form to that form's `form-action 'self'`, which the partner's address is not. A Refresh header starts a
 * new navigation instead; the page's link does the same without it.
 */
function continueTo(page: SignedInOrNotPage, next: string, pending: PendingSignin) {
  if (page.request.headers['sec-fetch-site'] !== 'same-origin') return page.reply.redirect(next, 303);
  page.reply.header('refresh', `0; url=${next}`);
  return page.render(
    { title: `Continuing to ${pending.partner.name}` },
    <section class="card narrow">
      <h1>Continuing to {pending.partner.name}</h1>
      <p>
        <a class="button" href={next}>
          Continue to {pending.partner.name}
        </a>
      </p>
    </section>,
  );
}

/** The customer's picks, each checked against what they may pick (only proven contacts, their own addresses). */
function picksFrom(page: SignedInPage, pending: PendingSignin, choices: Choices): SigninClaims {
  const asked = new Set(pending.scopes);
  const scopes = ['openid'];
  const claims: SigninClaims = { scopes, declined: [] };
  const fields: Record<string, string> = {};
  const pick = (scope: 'email' | 'phone' | 'address', options: Array<{ id: string }>, key: 'emailId' | 'phoneId' | 'addressId') => {
    if (!asked.has(scope)) return;
    if (options.length === 0) return claims.declined.push(scope);
    const value = page.field(scope, 100);
    if (!options.some((option) => option.id === value)) return (fields[scope] = `Choose which ${scope === 'phone' ? 'phone number' : scope} ${pending.partner.name} gets.`);
    scopes.push(scope);
    claims[key] = value;
  };
  if (asked.has('profile')) scopes.push('profile');
  pick('email', choices.emails, 'emailId');
  pick('phone', choices.phones, 'phoneId');
  pick('address', choices.addresses, 'addressId');
  if (asked.has('offline_access')) scopes.push('offline_access');
  if (Object.keys(fields).length) throw errors.invalidInput(fields);
  return claims;
}

function renderConsent(page: SignedInPage | SignedInOrNotPage, pending: PendingSignin, choices: Choices, problem: FormProblem) {
  const asked = new Set(pending.scopes);
  const body = page.request.body as Record<string, unknown> | undefined;
  const picked = (name: string, first: string | undefined) => (typeof body?.[name] === 'string' ? (body[name] as string) : first);
  page.reply.header('content-security-policy', cspWithFormTarget(pending.redirectOrigin));
  return page.render(
    { title: `Sign in to ${pending.partner.name}` },
    <section class="card narrow">
      <h1>Sign in to {pending.partner.name} with your account?</h1>
      <Problem problem={problem} />
      <p>
        <strong>{pending.partner.name}</strong> will get:
      </p>
      <PostForm action={`/partner-signin/${pending.uid}`} csrf={page.csrf}>
        <ul>
          <li>An identifier for you that only {pending.partner.name} knows (not your email or account number)</li>
          {asked.has('profile') ? <li>Your name: {choices.name}</li> : null}
          {asked.has('offline_access') ? <li>Access to these details while you are away, until you remove it</li> : null}
        </ul>
        {asked.has('email') ? <Pick name="email" legend="Which email address" items={choices.emails.map((c) => ({ id: c.id, label: c.value }))} none="You have no confirmed email address, so none will be shared." problem={problem} value={picked('email', choices.emails[0]?.id)} /> : null}
        {asked.has('phone') ? <Pick name="phone" legend="Which phone number" items={choices.phones.map((c) => ({ id: c.id, label: c.value }))} none="You have no confirmed phone number, so none will be shared." problem={problem} value={picked('phone', choices.phones[0]?.id)} /> : null}
        {asked.has('address') ? <Pick name="address" legend="Which address" items={choices.addresses.map((a) => ({ id: a.id, label: a.lines.join(', ') }))} none="You have no saved address, so none will be shared." problem={problem} value={picked('address', choices.addresses[0]?.id)} /> : null}
        <p class="hint">You can remove {pending.partner.name} at any time in Your Account → Apps and websites.</p>
        <p class="actions">
          <button type="submit" class="button" name="decision" value="allow">
            Allow
          </button>{' '}
          <button type="submit" class="button secondary" name="decision" value="deny">
            Don't allow
          </button>
        </p>
      </PostForm>
    </section>,
    problem.status,
  );
}

function Pick(props: { name: string; legend: string; items: Array<{ id: string; label: string }>; none: string; problem: FormProblem; value: string | undefined }) {
  if (props.items.length === 0) return <p>{props.none}</p>;
  return (
    <ChoiceGroup
      name={props.name}
      legend={props.legend}
      items={props.items}
      error={props.problem.fields[props.name]}
      keyOf={(item) => item.id}
      choice={(item, id) => (
        <div class="choice">
          <input type="radio" id={id} name={props.name} value={item.id} checked={props.value === item.id} />
          <label for={id}>{item.label}</label>
        </div>
      )}
    />
  );
}
