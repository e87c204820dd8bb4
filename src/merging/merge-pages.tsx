import { errors } from '../platform/errors.js';
import { isOpaqueId } from '../platform/crypto.js';
import { isFlowGone } from '../platform/flows.js';
import { formatTime } from '../platform/format.js';
import { Field, RadioGroup } from '../platform/web/forms.js';
import { BackLink, CodeField, IdentifierField, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { loadMerge, startMerge, type MergeFlow } from './merge-flow.js';
import { requestMergeCodes, resendMergeEmailCode, sendMergeSecondStepSms, submitMergeCodes, submitMergeEmailCode, submitMergePassword, submitMergeSecondFactor } from './merge-proofs.js';
import { confirmMerge } from './merge.js';
import { previewMerge, type MergePreview } from './preview.js';
import { removeAlias } from './aliases.js';
import { PASSKEY_SCRIPTS } from '../methods/passkey/passkey-pages.js';

/**
 * /account/merge: name the other account (after a recent password confirmation), prove it with its full sign-in, see
 * what moves, confirm. Every step is a form posting to the flow's own address; the flow belongs to this session.
 */
const guard = recentStepUp.returningTo('/account/merge');

const METHOD_NAMES: Record<string, string> = { totp: 'Authenticator app code', sms: 'Text message code', backup_code: 'Backup code' };
/** Typed codes; a passkey answers with its own button above. */
const CODE_METHODS = new Set(Object.keys(METHOD_NAMES));

export function registerMergePages(routes: PageRoutes): void {
  routes.get('/account/merge', guard, async (page) => renderStart(page, NO_PROBLEM));
  routes.post('/account/merge', guard, async (page) => {
    try {
      const flow = await startMerge(page.deps, page.session, page.field('identifier'), page.info);
      return page.redirect(`/account/merge/${flow.id}`);
    } catch (error) {
      return renderStart(page, page.problem(error));
    }
  });

  routes.get('/account/merge/:flow', signedIn, async (page) => renderStep(page, await loadMerge(page.deps, page.session, flowIdOf(page)), NO_PROBLEM));

  const step = (path: string, run: (page: SignedInPage, flowId: string) => Promise<unknown>) =>
    routes.post(`/account/merge/:flow/${path}`, signedIn, async (page) => {
      const flowId = flowIdOf(page);
      try {
        await run(page, flowId);
        return page.redirect(`/account/merge/${flowId}`);
      } catch (error) {
        const problem = page.problem(error);
        if (isFlowGone(problem.code)) return renderStart(page, problem);
        return renderStep(page, await loadMerge(page.deps, page.session, flowId), problem);
      }
    });
  step('password', (page, id) => submitMergePassword(page.deps, page.session, id, page.field('password'), page.info));
  step('codes-request', (page, id) => requestMergeCodes(page.deps, page.session, id, page.info));
  step('codes', (page, id) => submitMergeCodes(page.deps, page.session, id, { emailCode: page.field('code', 40), smsCode: page.field('smsCode', 40) }, page.info));
  step('send-sms', (page, id) => sendMergeSecondStepSms(page.deps, page.session, id, page.info));
  step('second-factor', (page, id) => submitMergeSecondFactor(page.deps, page.session, id, { method: page.field('method', 20), code: page.field('code', 40) }, page.info));
  step('email-code', (page, id) => submitMergeEmailCode(page.deps, page.session, id, page.field('code', 40), page.info));
  step('email-code-resend', (page, id) => resendMergeEmailCode(page.deps, page.session, id, page.info));

  routes.post('/account/merge/:flow/confirm', guard, async (page) => {
    const flowId = flowIdOf(page);
    try {
      await confirmMerge(page.deps, page.session, flowId, page.info);
      return page.redirect('/orders');
    } catch (error) {
      const problem = page.problem(error);
      if (isFlowGone(problem.code)) return renderStart(page, problem);
      return renderStep(page, await loadMerge(page.deps, page.session, flowId), problem);
    }
  });

  routes.post('/account/aliases/remove', recentStepUp, async (page) => {
    await removeAlias(page.deps, page.session.accountId, page.field('alias', 200), page.info);
    return page.redirect('/account/security?notice=alias-removed');
  });
}

function flowIdOf(page: SignedInPage): string {
  const id = (page.request.params as Record<string, string>).flow;
  if (!isOpaqueId(id)) throw errors.notFound('request');
  return id;
}

function renderStart(page: SignedInPage, problem: FormProblem) {
  return page.render(
    { title: 'Merge another account into this one' },
    <>
      <BackLink href="/account">Your Account</BackLink>
      <section class="card narrow">
        <h1>Merge another account into this one</h1>
        <p>Its orders, addresses, cards and login activity move here, its email address and phone number sign you in here too, and the other account closes. You'll sign in to it to prove it's yours.</p>
        <Problem problem={problem} />
        <PostForm action="/account/merge" csrf={page.csrf}>
          <IdentifierField label="Email or mobile phone number of the other account" error={problem.fields.identifier} />
          <div class="form-actions">
            <button type="submit" class="button">Continue</button>
            <a href="/account">Cancel</a>
          </div>
        </PostForm>
      </section>
    </>,
    problem.status,
  );
}

async function renderStep(page: SignedInPage, flow: MergeFlow, problem: FormProblem) {
  const action = (path: string) => `/account/merge/${flow.id}/${path}`;
  const preview = flow.state === 'ready' ? await previewMerge(page.deps.db, flow.data.targetId!) : undefined;
  const title = flow.state === 'ready' ? 'Check what moves' : 'Sign in to the other account';
  return page.render(
    { title, scripts: flow.state === 'second_factor' ? PASSKEY_SCRIPTS : undefined },
    <>
      <BackLink href="/account">Your Account</BackLink>
      <section class="card narrow">
        <h1>{title}</h1>
        <p class="muted">The other account: <span class="identifier">{flow.data.named}</span></p>
        <Problem problem={problem} />
        {flow.state === 'password' ? (
          <>
            <PostForm action={action('password')} csrf={page.csrf}>
              <Field name="password" label="Its password" type="password" autocomplete="off" error={problem.fields.password} spellcheck={false} required autofocus />
              <div class="form-actions"><button type="submit" class="button">Continue</button></div>
            </PostForm>
            <PostForm action={action('codes-request')} csrf={page.csrf} class="inline-form">
              <button type="submit" class="button secondary small">That account has no password</button>
            </PostForm>
          </>
        ) : null}
        {flow.state === 'codes' ? (
          <PostForm action={action('codes')} csrf={page.csrf}>
            {/* The same words and fields whatever the other account is: they must not tell whether it has a phone. */}
            <p>If that account has no password, we sent a code to its email address, and another to its phone if it has one.</p>
            <CodeField error={problem.fields.code} hint="The code from the email" />
            <Field name="smsCode" label="The code from the text message (if one came)" inputmode="numeric" autocomplete="one-time-code" maxLength={12} />
            <div class="form-actions"><button type="submit" class="button">Continue</button></div>
          </PostForm>
        ) : null}
        {flow.state === 'email_code' ? (
          <PostForm action={action('email-code')} csrf={page.csrf}>
            <p>We sent a code to that account's email address: a password alone is not enough to move an account.</p>
            <CodeField error={problem.fields.code} />
            <div class="form-actions"><button type="submit" class="button">Continue</button></div>
          </PostForm>
        ) : null}
        {flow.state === 'email_code' ? (
          <PostForm action={action('email-code-resend')} csrf={page.csrf} class="inline-form">
            <button type="submit" class="button secondary small">Send a new code</button>
          </PostForm>
        ) : null}
        {flow.state === 'second_factor' ? (
          <>
            <p>That account uses two-step verification: confirm with its second step.</p>
            {flow.data.methods?.includes('passkey') ? (
              <div class="passkey-action" data-passkey-action="merge" data-flow={flow.id}>
                <p class="field-error" role="alert" data-passkey-error hidden />
                <button type="button" class="button secondary" data-passkey-button hidden disabled>
                  Use its passkey
                </button>
                <p class="hint" data-passkey-nojs>Passkeys need JavaScript. Turn it on in your browser to use one.</p>
              </div>
            ) : null}
            {flow.data.methods?.includes('sms') ? (
              <PostForm action={action('send-sms')} csrf={page.csrf} class="inline-form">
                <button type="submit" class="button secondary small">Text a code to its phone</button>
              </PostForm>
            ) : null}
            {flow.data.methods?.some((m) => CODE_METHODS.has(m)) ? (
              <PostForm action={action('second-factor')} csrf={page.csrf}>
                <RadioGroup name="method" legend="How" value={flow.data.methods?.find((m) => CODE_METHODS.has(m)) ?? ''} options={Object.fromEntries((flow.data.methods ?? []).filter((m) => CODE_METHODS.has(m)).map((m) => [m, METHOD_NAMES[m]!]))} />
                <Field name="code" label="Code" autocomplete="one-time-code" error={problem.fields.code} spellcheck={false} maxLength={40} required />
                <div class="form-actions"><button type="submit" class="button">Continue</button></div>
              </PostForm>
            ) : null}
          </>
        ) : null}
        {flow.state === 'done' ? (
          <p>
            The accounts are merged. <a href="/orders">See Your Orders</a>
          </p>
        ) : null}
        {preview ? <Preview preview={preview} /> : null}
        {flow.state === 'ready' ? (
          <PostForm action={action('confirm')} csrf={page.csrf}>
            <div class="form-actions">
              <button type="submit" class="button">Merge and close the other account</button>
              <a href="/account">Cancel</a>
            </div>
          </PostForm>
        ) : null}
      </section>
    </>,
    problem.status,
  );
}

/** `1 order`, `3 orders`, `No cards`. */
function counted(count: number, one: string, many: string): string {
  return count === 0 ? `No ${many}` : `${count} ${count === 1 ? one : many}`;
}

function Preview({ preview }: { preview: MergePreview }) {
  return (
    <>
      <h2>Moves to this account</h2>
      <ul>
        <li>{counted(preview.orders.count, 'order', 'orders')}{preview.orders.recent.length ? `: ${preview.orders.recent.map((o) => `${o.number} (${formatTime(o.placedAt)})`).join(', ')}` : ''}</li>
        <li>{counted(preview.cases, 'return or case', 'returns and cases')}</li>
        <li>{counted(preview.addresses.count, 'address', 'addresses')}{preview.addresses.shown.length ? `: ${preview.addresses.shown.join('; ')}` : ''}</li>
        <li>{counted(preview.cards.length, 'card', 'cards')}{preview.cards.length ? `: ${preview.cards.map((c) => `${c.brand} ending ${c.last4}`).join(', ')}` : ''}</li>
        <li>Sign in with {preview.identifiers.join(', ') || 'nothing else'} too (you can remove them in Login &amp; Security)</li>
        <li>{counted(preview.activity, 'login activity entry', 'login activity entries')}, kept and marked as from the other account</li>
      </ul>
      <h2>Does not move</h2>
      <ul>
        <li>Its two-step verification ({preview.secondFactors}) and passkeys ({preview.passkeys}): set them up again here if you want them.</li>
        <li>The other account closes. Customer service can undo the merge within 30 days.</li>
      </ul>
    </>
  );
}
