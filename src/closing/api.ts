import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { clearSessionCookie } from '../platform/http/session-cookie.js';
import { iso } from '../platform/format.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { signinAnswer } from '../signin/api-answer.js';
import { closeAccount } from './closing.js';
import { parseReopenHandle } from './reopen.js';
import { keepClosed, reopenAndSignIn } from './reopen-signin.js';

/** Closing an account, and reopening it from a sign-in flow that stopped at `reopen`. */
export function registerClosingApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/v1/account/close', tag: 'Account', guards: [recentStepUp],
    summary: 'Close your account: every session ends; signing in with the password within CLOSE_GRACE_DAYS offers to reopen it, after which personal data is erased.',
    body: z.object({ confirm: z.literal(true) }).strict(),
    responses: { 200: 'Closed', 400: 'confirm must be true', 401: 'Not signed in', 403: 'Step-up required', 409: 'Already closed' },
    handler: async ({ session, info, reply }) => {
      const { eraseAfter } = await closeAccount(deps, session.accountId, info);
      clearSessionCookie(reply, deps.config);
      return { account: { status: 'closed', reopen_until: iso(eraseAfter) } };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/reopen', tag: 'Sign-in',
    guards: [],
    summary: 'Reopen a closed account from the sign-in flow that proved its password (state `reopen`), and finish signing in. `{flowId}` is the flow id the `reopen` answer returned (it carries the secret of the client that gave the proof).',
    body: z.object({}).strict(),
    responses: { 201: 'Reopened and signed in', 403: 'Not the id the reopen answer returned', 409: 'Flow not at reopen', 410: 'Flow expired, or the account can no longer be reopened' },
    handler: async ({ params, info, reply }) => signinAnswer(reply, deps.config, await reopenAndSignIn(deps, parseReopenHandle(params.flowId!), info), info),
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/keep-closed', tag: 'Sign-in',
    guards: [],
    summary: 'Keep the account closed: the sign-in flow waiting at `reopen` ends, so it can no longer reopen anything. `{flowId}` as for reopen.',
    body: z.object({}).strict(),
    responses: { 200: 'Flow ended; the account stays closed', 403: 'Not the id the reopen answer returned', 409: 'Flow not at reopen', 410: 'Flow expired' },
    handler: async ({ params }) => {
      await keepClosed(deps, parseReopenHandle(params.flowId!));
      return { flow: { state: 'ended' }, account: { status: 'closed' } };
    },
  });
}
