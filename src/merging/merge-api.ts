import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { iso } from '../platform/format.js';
import { text } from '../platform/http/validation.js';
import { signedIn } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { staffSignedIn } from '../staff/staff-guard.js';
import { requireWindow } from '../support/window.js';
import { loadMerge, startMerge, type MergeFlow } from './merge-flow.js';
import { requestMergeCodes, resendMergeEmailCode, sendMergeSecondStepSms, submitMergeCodes, submitMergeEmailCode, submitMergePassword, submitMergeSecondFactor } from './merge-proofs.js';
import { confirmMerge } from './merge.js';
import { previewJson, previewMerge } from './preview.js';
import { listShownAliases, removeAlias } from './aliases.js';
import { listMergesOf, type MergeRecord } from './merge-store.js';
import { undoMerge } from './support-undo.js';
import { mergePasskeyOptions, submitMergePasskey } from './merge-passkey.js';
import { asAuthentication, authenticationResponse } from '../methods/passkey/passkey-api.js';

/**
 * Merging over the JSON API, the same flow the pages advance (merge-flow.ts): start (recent step-up), prove the other
 * account, read the preview, confirm (recent step-up again). Sign-in aliases, and support's view and undo.
 */
const TAG = 'Account merges';
const empty = z.object({}).strict();

export function registerMergeApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/v1/account/merges', tag: TAG, guards: [recentStepUp],
    summary: "Begin merging another account into this one: name its email address or phone number. Whether it exists is not told here.",
    body: z.object({ identifier: text(1000) }).strict(),
    responses: { 201: 'Flow begun, waiting for the other account’s password (or codes)', 400: 'Not an email or phone', 403: 'Step-up required', 409: 'That identifier already signs in to this account (merge.same_account)' },
    handler: async ({ body, session, info }) => ({ flow: flowJson(await startMerge(deps, session, body.identifier, info)) }),
  });

  api.add({
    method: 'GET', path: '/api/v1/account/merges/:flowId', tag: TAG, guards: [signedIn],
    summary: 'The flow, and once the other account is proven, the preview of what moves and what does not.',
    responses: { 200: 'Flow', 404: 'Unknown, or not this session’s', 410: 'Expired' },
    handler: async ({ params, session }) => {
      const flow = await loadMerge(deps, session, params.flowId!);
      return { flow: flowJson(flow), ...(flow.state === 'ready' ? { preview: previewJson(await previewMerge(deps.db, flow.data.targetId!)) } : {}) };
    },
  });

  const step = <B>(path: string, summary: string, body: z.ZodType<B>, run: (input: { flowId: string; body: B; session: Parameters<typeof loadMerge>[1]; info: Parameters<typeof startMerge>[3] }) => Promise<MergeFlow | void>) =>
    api.add({
      method: 'POST', path: `/api/v1/account/merges/:flowId/${path}`, tag: TAG, guards: [signedIn], summary, body,
      responses: { 200: 'Next step', 401: 'Not confirmed (merge.proof_failed)', 404: 'Unknown flow', 409: 'Wrong step, or the other account is locked or closed', 429: 'Too many attempts (Retry-After)' },
      handler: async ({ params, body, session, info }) => {
        const flow = await run({ flowId: params.flowId!, body, session, info });
        return flow ? { flow: flowJson(flow) } : { sent: true };
      },
    });
  step('password', "The other account's password.", z.object({ password: text(1000) }).strict(), ({ flowId, body, session, info }) => submitMergePassword(deps, session, flowId, body.password, info));
  step('codes/request', 'The other account has no password: send codes to its verified email and phone.', empty, ({ flowId, session, info }) => requestMergeCodes(deps, session, flowId, info));
  step('codes', 'The codes sent to the other account’s email (and phone).', z.object({ email_code: text(12), sms_code: text(12).optional() }).strict(), ({ flowId, body, session, info }) =>
    submitMergeCodes(deps, session, flowId, { emailCode: body.email_code, smsCode: body.sms_code }, info));
  step('second-factor/sms', 'Text the other account’s second-step code to its phone.', empty, ({ flowId, session, info }) => sendMergeSecondStepSms(deps, session, flowId, info));
  step('second-factor', "The other account's second step: an authenticator, text or backup code.", z.object({ method: text(20), code: text(40) }).strict(), ({ flowId, body, session, info }) =>
    submitMergeSecondFactor(deps, session, flowId, body, info));
  step('email-code', 'The code sent to the other account’s email (it has a password but no second step).', z.object({ code: text(12) }).strict(), ({ flowId, body, session, info }) =>
    submitMergeEmailCode(deps, session, flowId, body.code, info));
  step('email-code/resend', 'Send a new code to the other account’s email (at most once a minute).', empty, ({ flowId, session, info }) => resendMergeEmailCode(deps, session, flowId, info));

  api.add({
    method: 'POST', path: '/api/v1/account/merges/:flowId/passkey/options', tag: TAG, guards: [signedIn],
    summary: "A challenge for the other account's passkeys, when a passkey is its second step.",
    body: empty,
    responses: { 200: 'WebAuthn request options', 400: 'No passkey on that account', 404: 'Unknown flow', 409: 'Wrong step' },
    handler: async ({ params, session }) => ({ options: await mergePasskeyOptions(deps, session, params.flowId!) }),
  });

  api.add({
    method: 'POST', path: '/api/v1/account/merges/:flowId/passkey', tag: TAG, guards: [signedIn],
    summary: "The other account's passkey answer to the challenge.",
    body: z.object({ response: authenticationResponse }).strict(),
    responses: { 200: 'Proven; `next` is the page to show', 401: 'Not accepted (merge.proof_failed)', 404: 'Unknown flow', 409: 'Challenge used or wrong step', 429: 'Too many attempts' },
    handler: async ({ params, body, session, info }) => {
      const flow = await submitMergePasskey(deps, session, params.flowId!, asAuthentication(body.response), info);
      return { flow: flowJson(flow), next: `/account/merge/${flow.id}` };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/merges/:flowId/confirm', tag: TAG, guards: [recentStepUp],
    summary: 'Merge: one transaction moves everything listed in the preview and closes the other account.',
    body: empty,
    responses: { 200: 'Merged', 403: 'Step-up required', 404: 'Unknown flow', 409: 'Already merged, or an account changed meanwhile (merge.account_changed, flow.wrong_step)' },
    handler: async ({ params, session, info }) => {
      const done = await confirmMerge(deps, session, params.flowId!, info);
      return { merge: { id: done.mergeId, moved: done.moved } };
    },
  });

  api.add({
    method: 'GET', path: '/api/v1/account/aliases', tag: TAG, guards: [signedIn],
    summary: 'Sign-in aliases: emails and phones a merge brought, masked.',
    responses: { 200: 'Aliases' },
    handler: async ({ session }) => ({ aliases: await listShownAliases(deps, session.accountId) }),
  });

  api.add({
    method: 'DELETE', path: '/api/v1/account/aliases/:aliasId', tag: TAG, guards: [recentStepUp],
    summary: 'Remove a sign-in alias: it stops signing in and is held from anyone else for IDENTIFIER_QUARANTINE_DAYS.',
    responses: { 204: 'Removed', 403: 'Step-up required', 404: 'Not an alias of this account' },
    handler: async ({ params, session, info }) => {
      await removeAlias(deps, session.accountId, params.aliasId!, info);
    },
  });

  api.add({
    method: 'GET', path: '/api/support/v1/customers/:id/merges', tag: 'Support console', guards: [staffSignedIn],
    summary: 'Merges into and out of a verified caller’s account.',
    responses: { 200: 'Merges', 403: 'Caller not verified by you' },
    handler: async ({ staff, params }) => {
      await requireWindow(deps, staff, params.id!, 'customers.view');
      return { merges: (await listMergesOf(deps.db, params.id!)).map((m) => mergeJson(m, params.id!)) };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/merges/:mergeId/undo', tag: 'Support console', guards: [staffSignedIn],
    summary: 'Undo a merge within 30 days (merges.undo, inside your window on the receiving account).',
    body: empty,
    responses: { 200: 'Undone', 403: 'Not allowed, or caller not verified', 404: 'Unknown merge', 409: 'Already undone, too old (merge.undo_expired), or an account changed' },
    handler: async ({ staff, params }) => {
      const result = await undoMerge(deps, staff, params.mergeId!);
      return { moved: result.moved, not_restored: result.notRestored };
    },
  });
}

function flowJson(flow: MergeFlow) {
  return {
    id: flow.id,
    state: flow.state,
    other: flow.data.named,
    expires_at: iso(flow.expiresAt),
    ...(flow.state === 'second_factor' ? { methods: flow.data.methods ?? [] } : {}),
    // Always offered: whether a text went tells whether B exists, lacks a password and has a phone (merge-proofs.ts).
    ...(flow.state === 'codes' ? { sms_code: true } : {}),
  };
}

export function mergeJson(merge: MergeRecord, viewedFrom: string) {
  return {
    id: merge.id,
    direction: merge.intoAccountId === viewedFrom ? 'in' : 'out',
    other_account: merge.intoAccountId === viewedFrom ? merge.fromAccountId : merge.intoAccountId,
    other: merge.fromLabel,
    state: merge.state,
    merged_at: iso(merge.mergedAt),
    undo_until: iso(merge.undoUntil),
    undone_at: merge.undoneAt === null ? null : iso(merge.undoneAt),
    moved: merge.summary,
  };
}
