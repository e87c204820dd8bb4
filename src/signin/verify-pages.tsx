import type { FastifyReply } from 'fastify';
import { customer } from '../methods/method.js';
import { secondStepMethods, type SecondStepMethod } from '../methods/registry.js';
import { verifiedPhone } from '../methods/sms/phone.js';
import { errors } from '../platform/errors.js';
import { isFlowGone } from '../platform/flows.js';
import { Checkbox, Field } from '../platform/web/forms.js';
import { loadSignin, type SigninFlow } from './flow.js';
import { continueSignin } from './continue-signin.js';
import { renderSignInAgain } from './sign-in-again.js';
import { sendSigninSms, submitSecondFactor } from './second-factor.js';
import { PostForm, Problem, ResendCode } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';
import { phoneEnding } from '../methods/two-step-parts.js';

/**
 * The second step of sign-in: after the password, the flow waits in `second_factor` and no session exists
 * until one of the account's own methods succeeds (Kratos CVE-2024-45042). The page offers one method at a
 * time, chosen by `?method=` from the account's methods only, with links to the others.
 */
/** The methods answered by typing a code, in the order offered. A passkey answers a challenge on its own route. */
type CodeMethod = Exclude<SecondStepMethod, 'passkey'>;
const METHODS: readonly CodeMethod[] = ['totp', 'sms', 'backup_code'];

interface Waiting {
  flow: SigninFlow;
  methods: CodeMethod[];
  method: CodeMethod;
  /** The account also has a passkey, which has its own page. */
  passkey: boolean;
  /** "••67", when the account can get texted codes. */
  phone?: string;
}

export function registerVerifyPages(routes: PageRoutes): void {
  routes.get('/signin/verify', 'anyone', async (page) => {
    const waiting = await loadWaiting(page, page.query('flow'), page.query('method'));
    if (!waiting.ok) return waiting.reply;
    const sent = waiting.value.method === 'sms' && page.query('sent') === '1';
    return renderVerify(page, waiting.value, NO_PROBLEM, { sent });
  });

  routes.post('/signin/verify', 'anyone', async (page) => {
    const asked = page.field('method', 20);
    const waiting = await loadWaiting(page, page.field('flow', 200), asked);
    if (!waiting.ok) return waiting.reply;
    const rememberDevice = page.checked('remember');
    try {
      // The posted method goes to the domain as posted: it, not this page, refuses one the account doesn't have.
      const method = METHODS.find((m) => m === asked);
      if (!method) throw errors.invalidInput({}, 'Choose a way to confirm it is you.');
      return continueSignin(page, await submitSecondFactor(page.deps, waiting.value.flow.id, { method, code: page.field('code', 64), rememberDevice }, page.info));
    } catch (error) {
      const problem = page.problem(error);
      if (isFlowGone(problem.code)) return renderSignInAgain(page, problem.status, undefined, waiting.value.flow.id);
      return renderVerify(page, waiting.value, asSecondFactorProblem(problem), { sent: true, rememberDevice });
    }
  });

  routes.post('/signin/verify/sms', 'anyone', async (page) => {
    const waiting = await loadWaiting(page, page.field('flow', 200), 'sms');
    if (!waiting.ok) return waiting.reply;
    try {
      await sendSigninSms(page.deps, waiting.value.flow.id, page.info);
      return page.redirect(verifyPath(waiting.value.flow.id, 'sms', true));
    } catch (error) {
      const problem = page.problem(error);
      if (isFlowGone(problem.code)) return renderSignInAgain(page, problem.status, undefined, waiting.value.flow.id);
      // Asked again too soon (or too often): the code already sent still works, so keep its field on the page.
      return renderVerify(page, waiting.value, problem, { sent: problem.code.startsWith('code.') });
    }
  });
}

type Loaded = { ok: true; value: Waiting } | { ok: false; reply: FastifyReply };

/** The flow, if it is waiting for a second factor, with the method to show: the one asked for if the account has it. */
async function loadWaiting(page: Page, flowId: string | undefined, asked: string | undefined): Promise<Loaded> {
  if (!flowId) return { ok: false, reply: page.redirect('/signin') };
  let flow: SigninFlow;
  try {
    flow = await loadSignin(page.deps, flowId);
  } catch (error) {
    return { ok: false, reply: renderSignInAgain(page, page.problem(error).status, undefined, flowId) };
  }
  if (flow.state !== 'second_factor' || !flow.accountId) return { ok: false, reply: renderSignInAgain(page, 409, undefined, flowId) };
  // A factor that got the customer this far (a texted sign-in code, a passkey) is not offered again.
  const offered = await secondStepMethods(page.deps, customer(flow.accountId), flow.factorsPassed);
  const passkey = offered.includes('passkey');
  const methods = METHODS.filter((m) => offered.includes(m));
  const method = methods.find((m) => m === asked) ?? methods[0];
  if (!method) return { ok: false, reply: passkey ? page.redirect(passkeyPath(flow.id)) : renderSignInAgain(page, 409, undefined, flowId) };
  const phone = methods.includes('sms') ? await verifiedPhone(page.deps.db, flow.accountId) : undefined;
  return { ok: true, value: { flow, methods, method, passkey, phone: phone ? phoneEnding(phone) : undefined } };
}

function verifyPath(flowId: string, method: CodeMethod, sent = false): string {
  return `/signin/verify?flow=${encodeURIComponent(flowId)}&method=${method}${sent ? '&sent=1' : ''}`;
}

/** The passkey's own second-step page (passkey-pages.tsx). */
function passkeyPath(flowId: string): string {
  return `/signin/verify/passkey?flow=${encodeURIComponent(flowId)}`;
}

/** A wrong or used-up code belongs to the code field, so it is read out with it; waits and the rest go in the summary. */
function asSecondFactorProblem(problem: FormProblem): FormProblem {
  const aboutCode = problem.code === 'signin.second_factor_failed' || problem.code.startsWith('code.');
  if (!aboutCode || !problem.message) return problem;
  return { ...problem, fields: { code: problem.message }, message: undefined };
}

function renderVerify(page: Page, waiting: Waiting, problem: FormProblem, state: { sent: boolean; rememberDevice?: boolean }) {
  const { flow, method, phone } = waiting;
  const notice = state.sent && method === 'sms' && problem === NO_PROBLEM ? `We sent a code to your phone ending in ${phone ?? ''}.` : undefined;
  return page.render(
    { title: 'Two-step verification', notice },
    <section class="card narrow">
      <h1>Two-step verification</h1>
      <Problem problem={problem} />
      {flow.data.identifier ? (
        <p class="signing-in-as">
          <span>
            Signing in as <span class="identifier">{flow.data.identifier}</span>
          </span>
        </p>
      ) : null}
      {method === 'sms' && !state.sent ? (
        <SendSms page={page} flowId={flow.id} phone={phone} />
      ) : (
        <PostForm action="/signin/verify" csrf={page.csrf}>
          <input type="hidden" name="flow" value={flow.id} />
          <input type="hidden" name="method" value={method} />
          <MethodField method={method} error={problem.fields.code} />
          <Checkbox name="remember" label="Don't ask again on this device for 30 days" checked={state.rememberDevice ?? false} hint="Not on a shared or public computer." />
          <button type="submit" class="button">Verify</button>
        </PostForm>
      )}
      {method === 'sms' && state.sent ? (
        <ResendCode action="/signin/verify/sms" csrf={page.csrf} flowId={flow.id} note="Didn't get it? It can take a minute to arrive." label="Text me a new code" />
      ) : null}
      <OtherWays waiting={waiting} />
    </section>,
    problem.status,
  );
}

function SendSms(props: { page: Page; flowId: string; phone?: string }) {
  return (
    <PostForm action="/signin/verify/sms" csrf={props.page.csrf}>
      <input type="hidden" name="flow" value={props.flowId} />
      <p>We'll text a 6-digit code to your phone ending in {props.phone}.</p>
      <button type="submit" class="button">Text me a code</button>
    </PostForm>
  );
}

function MethodField(props: { method: CodeMethod; error?: string }) {
  const common = { name: 'code', error: props.error, spellcheck: false, autocapitalize: 'none' as const, required: true, autofocus: true };
  switch (props.method) {
    case 'totp':
      return <Field {...common} label="Enter the 6-digit code from your authenticator app" inputmode="numeric" autocomplete="one-time-code" maxLength={12} />;
    case 'sms':
      return <Field {...common} label="Enter the 6-digit code we texted you" inputmode="numeric" autocomplete="one-time-code" maxLength={12} hint="It expires 10 minutes after we sent it." />;
    case 'backup_code':
      return (
        <div class="backup-code-field">
          <Field {...common} label="Backup code" autocomplete="off" maxLength={64} hint="One of the codes you saved when you turned on two-step verification. Each works once." />
        </div>
      );
  }
}

const OTHER_WAY: Record<CodeMethod, (phone?: string) => string> = {
  totp: () => 'Use your authenticator app',
  sms: (phone) => `Text a code to your phone ending in ${phone ?? ''}`,
  backup_code: () => 'Use a backup code',
};

function OtherWays({ waiting }: { waiting: Waiting }) {
  const others = waiting.methods.filter((m) => m !== waiting.method);
  return (
    <div class="aside">
      {others.length > 0 || waiting.passkey ? (
        <>
          <h2 class="aside-title">Try another way</h2>
          <ul class="other-ways">
            {waiting.passkey ? (
              <li>
                <a href={passkeyPath(waiting.flow.id)}>Use a passkey</a>
              </li>
            ) : null}
            {others.map((m) => (
              <li>
                <a href={verifyPath(waiting.flow.id, m)}>{OTHER_WAY[m](waiting.phone)}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        Lost access to all of these? <a href={`/signin/verify/lost?flow=${encodeURIComponent(waiting.flow.id)}`}>Get help signing in</a>
      </p>
    </div>
  );
}
