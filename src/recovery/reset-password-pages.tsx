import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { constantTimeEqual } from '../platform/crypto.js';
import { isFlowGone } from '../platform/flows.js';
import { clearSessionCookie } from '../platform/http/session-cookie.js';
import { confirmResetCode, confirmResetLink, loadResetFlow, RESET_EMAIL_TTL_MS, setNewPassword } from './password-reset.js';
import { asCodeProblem, CodeField, NewPasswordField, PASSWORD_METER_SCRIPT, PostForm, Problem, UsernameHint } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type Page, type PageRoutes } from '../platform/web/page-routes.js';
import { renderStartAgain, RESET_START, SENT_EITHER_WAY } from './recovery-pages.js';

/**
 * Forgot password, after the message: the code or the emailed link proves the address, then a new password.
 * Only the browser that gave the proof may choose the password: whoever started the reset knows the flow id
 * (it is in the emailed link too), so a customer who opens someone else's reset link must not hand them the
 * next step. The reset signs nobody in (ASVS 6.4.3): every session ends, this browser's as well, and the
 * customer signs in with the new password, second step included.
 */
const TIMED_OUT = 'Your password reset timed out or was already used. Please ask for a new code.';
const LINK_USED = 'This link has expired or was already used. Please ask for a new one.';

type ResetFlow = Awaited<ReturnType<typeof loadResetFlow>>;

export const PASSWORD_RESET_DONE = 'Your password was changed and every device was signed out. Sign in with your new password.';

export function registerResetPasswordPages(routes: PageRoutes): void {
  routes.get('/recovery/password/code', 'anyone', async (page) => {
    const flowId = page.query('flow');
    if (!flowId) return page.redirect(RESET_START);
    return renderCode(page, flowId, NO_PROBLEM);
  });

  routes.post('/recovery/password/code', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      const proof = await confirmResetCode(page.deps, flowId, page.field('code', 20), page.info);
      return provenHere(page, flowId, proof);
    } catch (error) {
      return renderCode(page, flowId, asCodeProblem(page.problem(error)));
    }
  });

  // Opening the link only shows a button: mail scanners fetch links, so a GET never spends the token.
  routes.get('/recovery/password/link', 'anyone', async (page) => {
    const flowId = page.query('flow');
    const token = page.query('token');
    if (!flowId || !token) return page.redirect(RESET_START);
    return page.render(
      { title: 'Reset your password' },
      <section class="card narrow">
        <h1>Reset your password</h1>
        <p>Continue to choose a new password for your account.</p>
        <PostForm action="/recovery/password/link" csrf={page.csrf}>
          <input type="hidden" name="flow" value={flowId} />
          <input type="hidden" name="token" value={token} />
          <button type="submit" class="button">Choose a new password</button>
        </PostForm>
        <p class="aside">Didn't ask to reset your password? Close this page: your password stays the same.</p>
      </section>,
    );
  });

  routes.post('/recovery/password/link', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    try {
      const proof = await confirmResetLink(page.deps, flowId, page.field('token', 200));
      return provenHere(page, flowId, proof);
    } catch (error) {
      const problem = page.problem(error);
      // A second press of the button, in the browser that pressed the first: carry on.
      if (problem.code === 'flow.wrong_step' && provenInThisBrowser(page.request, flowId)) return page.redirect(newPasswordPath(flowId));
      return renderStartAgain(page, problem.status === 409 ? 410 : problem.status, LINK_USED);
    }
  });

  routes.get('/recovery/password/new', 'anyone', async (page) => {
    const flowId = page.query('flow');
    if (!flowId) return page.redirect(RESET_START);
    return renderNewPassword(page, flowId, NO_PROBLEM);
  });

  routes.post('/recovery/password/new', 'anyone', async (page) => {
    const flowId = page.field('flow', 200);
    if (!provenInThisBrowser(page.request, flowId)) return renderStartAgain(page, 409, TIMED_OUT);
    try {
      await setNewPassword(page.deps, flowId, proofInThisBrowser(page.request, flowId) ?? '', page.field('password'), page.info);
    } catch (error) {
      return renderNewPassword(page, flowId, page.problem(error));
    }
    // Every session ended with the reset; the cookie goes too, so this browser is plainly signed out.
    clearSessionCookie(page.reply, page.deps.config);
    clearResetCookie(page.reply, page.deps.config);
    return page.redirect('/recovery/password/done');
  });

  routes.get('/recovery/password/done', 'anyone', async (page) =>
    page.render(
      { title: 'Password changed' },
      <section class="card narrow">
        <h1>Password changed</h1>
        <p>{PASSWORD_RESET_DONE}</p>
        <p class="actions">
          <a class="button" href="/signin">Sign in</a>
        </p>
      </section>,
    ),
  );
}

function newPasswordPath(flowId: string): string {
  return `/recovery/password/new?flow=${encodeURIComponent(flowId)}`;
}

function provenHere(page: Page, flowId: string, proof: string) {
  setResetCookie(page.reply, page.deps.config, `${flowId}.${proof}`, page.deps.clock.now());
  return page.redirect(newPasswordPath(flowId));
}

async function renderCode(page: Page, flowId: string, problem: FormProblem) {
  let flow: ResetFlow;
  try {
    flow = await loadResetFlow(page.deps, flowId);
  } catch (error) {
    return renderStartAgain(page, page.problem(error).status, TIMED_OUT);
  }
  if (flow.state === 'new_password' && provenInThisBrowser(page.request, flowId)) return page.redirect(newPasswordPath(flowId));
  if (flow.state !== 'confirm' || isFlowGone(problem.code)) return renderStartAgain(page, 409, TIMED_OUT);
  const byEmail = flow.data.channel === 'email';
  return page.render(
    { title: 'Enter your code' },
    <section class="card narrow">
      <h1>Enter your code</h1>
      <Problem problem={problem} />
      <p class="signing-in-as">
        <span class="identifier">{flow.data.destination}</span>{' '}
        <a href={RESET_START}>
          Change<span class="visually-hidden"> email or phone number</span>
        </a>
      </p>
      <p>
        {SENT_EITHER_WAY} {byEmail ? 'Enter it below, or use the button in the email.' : 'Enter the code from the text message below.'}
      </p>
      <PostForm action="/recovery/password/code" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <CodeField error={problem.fields.code} hint={byEmail ? 'The code expires in 1 hour.' : 'The code expires in 10 minutes.'} />
        <button type="submit" class="button">Continue</button>
      </PostForm>
      <div class="aside">
        <p>
          Didn't get it? {byEmail ? 'Check your spam folder, or' : 'It can take a minute to arrive, or'} <a href={RESET_START}>ask for a new code</a>.
        </p>
        <p>
          <a href="/recovery/find-account">Forgot which email you used?</a>
        </p>
      </div>
    </section>,
    problem.status,
  );
}

async function renderNewPassword(page: Page, flowId: string, problem: FormProblem) {
  let flow: ResetFlow;
  try {
    flow = await loadResetFlow(page.deps, flowId);
  } catch (error) {
    return renderStartAgain(page, page.problem(error).status, TIMED_OUT);
  }
  const waiting = flow.state === 'new_password' && provenInThisBrowser(page.request, flowId);
  if (!waiting || isFlowGone(problem.code)) return renderStartAgain(page, 409, TIMED_OUT);
  const { destination } = flow.data;
  return page.render(
    { title: 'Choose a new password', scripts: [PASSWORD_METER_SCRIPT] },
    <section class="card narrow">
      <h1>Choose a new password</h1>
      <Problem problem={problem} />
      <p>Changing your password signs you out on every device. You'll then sign in with the new one.</p>
      <PostForm action="/recovery/password/new" csrf={page.csrf}>
        <input type="hidden" name="flow" value={flowId} />
        <UsernameHint value={destination} />
        <NewPasswordField
          name="password"
          label="New password"
          error={problem.fields.password}
          context={flow.data.channel === 'email' ? { email: destination } : undefined}
        />
        <button type="submit" class="button">Change password</button>
      </PostForm>
    </section>,
    problem.status,
  );
}

/**
 * Marks the browser that proved the reset — `<flow id>.<proof secret>` — for as long as the flow lives. The
 * new-password step answers to that browser alone.
 */
const RESET_COOKIE = '__Host-custos_reset';

function setResetCookie(reply: FastifyReply, config: Config, value: string, now: number): void {
  reply.setCookie(RESET_COOKIE, value, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax', expires: new Date(now + RESET_EMAIL_TTL_MS) });
}

function clearResetCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(RESET_COOKIE, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
}

function proofInThisBrowser(request: FastifyRequest, flowId: string): string | undefined {
  const cookie = request.cookies[RESET_COOKIE];
  if (!cookie || !flowId) return undefined;
  const dot = cookie.indexOf('.');
  return dot > 0 && constantTimeEqual(cookie.slice(0, dot), flowId) ? cookie.slice(dot + 1) : undefined;
}

function provenInThisBrowser(request: FastifyRequest, flowId: string): boolean {
  return proofInThisBrowser(request, flowId) !== undefined;
}
