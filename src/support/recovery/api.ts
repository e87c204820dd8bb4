import { z } from 'zod';
import type { Deps } from '../../platform/context.js';
import type { ApiRegistry } from '../../platform/http/api.js';
import { ApiAnswer } from '../../platform/http/api.js';
import { iso } from '../../platform/format.js';
import { errors } from '../../platform/errors.js';
import { can } from '../../staff/roles.js';
import { requirePermission, staffSignedIn, type StaffMember } from '../../staff/staff-guard.js';
import { approveRecovery, startRecovery } from './recovery.js';
import { cancelByStaff, cancelByToken, completeRecovery } from './finish.js';
import { findRecovery, listRecoveries, type RecoveryRow } from './store.js';

/**
 * Supervised recovery's JSON API. Staff routes take no wait: the waiting period is config only
 * (SUPPORT_RECOVERY_WAIT_HOURS), and the bodies are strict, so a `wait_hours` field is refused, not ignored.
 * The two token routes are public: the old contacts' cancel link and the new address's set-a-password link.
 */
const TAG = 'Support console: recovery';
const guards = [staffSignedIn] as const;
const token = z.string().min(1).max(200);

export function recoveryJson(r: RecoveryRow) {
  return {
    id: r.id,
    customer_id: r.account_id,
    state: r.state,
    ticket: r.ticket,
    new_email: r.new_email,
    evidence_matched: Object.keys(JSON.parse(r.evidence) as Record<string, boolean>),
    started_by: r.started_by,
    approved_by: r.approved_by,
    created_at: iso(r.created_at),
    approved_at: r.approved_at === null ? null : iso(r.approved_at),
    wait_until: r.wait_until === null ? null : iso(r.wait_until),
    ended_at: r.ended_at === null ? null : iso(r.ended_at),
  };
}

/** Supervisors see every recovery; an agent only the ones they started. */
export async function visibleRecovery(deps: Deps, staff: StaffMember, id: string): Promise<RecoveryRow> {
  requirePermission(staff, 'recovery.start');
  const recovery = await findRecovery(deps.db, id);
  if (!recovery || (!can(staff.role, 'recovery.approve') && recovery.started_by !== staff.id)) throw errors.notFound('recovery');
  return recovery;
}

export function registerSupportRecoveryApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/support/v1/customers/:id/recoveries', tag: TAG, guards,
    summary: 'Start a supervised recovery for a caller who lost their email and phone: a ticket, three facts from their history (all must match; only "not all matched" comes back) and the new email address they give.',
    body: z.object({
      ticket: z.string().max(200),
      new_email: z.string().max(320),
      evidence: z.object({ order_number: z.string().max(40), order_amount: z.string().max(40), postcode: z.string().max(40) }).strict(),
    }).strict(),
    responses: { 201: 'Started; waits for a supervisor', 400: 'Bad input', 403: 'Role', 404: 'No such customer', 409: 'Closed, email taken or already open', 422: 'Evidence does not match', 429: 'Too many tries' },
    handler: async ({ staff, params, body }) => {
      const id = await startRecovery(deps, staff, { accountId: params.id!, ticket: body.ticket, newEmail: body.new_email, evidence: body.evidence });
      return new ApiAnswer(201, { recovery: recoveryJson((await findRecovery(deps.db, id))!) });
    },
  });

  api.add({
    method: 'GET', path: '/api/support/v1/recoveries', tag: TAG, guards,
    summary: 'Every recovery, newest first (supervisors).',
    responses: { 200: 'The list', 403: 'Role' },
    handler: async ({ staff }) => {
      requirePermission(staff, 'recovery.approve');
      return { recoveries: (await listRecoveries(deps.db)).map(recoveryJson) };
    },
  });

  api.add({
    method: 'GET', path: '/api/support/v1/recoveries/:id', tag: TAG, guards,
    summary: 'One recovery (supervisors, or the agent who started it).',
    responses: { 200: 'The recovery', 404: 'Unknown' },
    handler: async ({ staff, params }) => ({ recovery: recoveryJson(await visibleRecovery(deps, staff, params.id!)) }),
  });

  api.add({
    method: 'POST', path: '/api/support/v1/recoveries/:id/approve', tag: TAG, guards,
    summary: 'Approve (a supervisor who did not start it): the account locks and every old contact gets a cancel link; the wait starts.',
    body: z.object({}).strict(),
    responses: { 200: 'Approved', 403: 'Role, or your own recovery', 404: 'Unknown', 409: 'Not awaiting approval' },
    handler: async ({ staff, params }) => ({ recovery: recoveryJson(await approveRecovery(deps, staff, params.id!)) }),
  });

  api.add({
    method: 'POST', path: '/api/support/v1/recoveries/:id/cancel', tag: TAG, guards,
    summary: 'Withdraw a recovery that has not completed.',
    body: z.object({}).strict(),
    responses: { 204: 'Cancelled', 404: 'Unknown', 409: 'Already ended' },
    handler: async ({ staff, params }) => {
      await visibleRecovery(deps, staff, params.id!);
      await cancelByStaff(deps, staff, params.id!);
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/recoveries/cancel', tag: TAG, guards: [],
    summary: 'An old contact’s cancel link (no sign-in): the token works once.',
    body: z.object({ token }).strict(),
    responses: { 204: 'Cancelled', 409: 'Already ended', 410: 'Unknown or used link' },
    handler: async ({ body }) => cancelByToken(deps, body.token),
  });

  api.add({
    method: 'POST', path: '/api/support/v1/recoveries/finish', tag: TAG, guards: [],
    summary: 'The new address’s link, after the wait: set a password. Works once; the address becomes the account’s email.',
    body: z.object({ token, password: z.string().max(1000) }).strict(),
    responses: { 204: 'Recovered; sign in with the new email and password', 400: 'Weak password', 410: 'Unknown, used, cancelled or expired link' },
    handler: async ({ body }) => completeRecovery(deps, body.token, body.password),
  });
}
