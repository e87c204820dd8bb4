import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import { ApiAnswer, type ApiRegistry } from '../platform/http/api.js';
import { text } from '../platform/http/validation.js';
import { iso } from '../platform/format.js';
import { readStaffAudit } from './audit.js';
import { createStaff, disableStaff, listStaff, resetStaffFactors, type StaffSummary } from './members.js';
import { permissionsOf } from './roles.js';
import { completeStaffSetup, startStaffPasskeySetup, startStaffSetup } from './setup.js';
import { staffPasskeyOptions, staffPasskeyStep, staffPasswordStep, staffSecondStep, staffSignOut } from './signin.js';
import { asAuthentication, asRegistration, authenticationResponse, registrationResponse } from '../methods/passkey/passkey-api.js';
import { clearStaffCookie, requirePermission, setStaffCookie, staffSignedIn } from './staff-guard.js';

/**
 * The support console's staff API (/api/support/v1): setup links, sign-in and sign-out, and admins managing
 * staff. Routes other than sign-in and setup take only a staff session (guard 'staff-signed-in'); each checks its
 * permission (roles.ts) before anything else.
 */
const TAG = 'Support';
const AUTH = { 401: 'No staff session (auth.required)', 403: 'The role lacks the permission (support.forbidden)' };

function staffJson(staff: StaffSummary) {
  return { id: staff.id, email: staff.email, name: staff.name, role: staff.role, status: staff.status, created_at: iso(staff.createdAt) };
}

export function registerStaffApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/support/v1/setup/authenticator', tag: TAG, guards: [],
    summary: 'Open a setup link: who it is for and a new authenticator key to scan (replacing any earlier, unconfirmed one).',
    body: z.object({ token: text(200) }).strict(),
    responses: { 200: 'The person and the key', 410: 'Expired, used or unknown link (staff.setup_link_invalid)' },
    handler: async ({ body }) => {
      const { staff, authenticator } = await startStaffSetup(deps, body.token);
      return { staff: { name: staff.name, email: staff.email, role: staff.role }, authenticator };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/setup/passkey', tag: TAG, guards: [],
    summary: 'Open a setup link for a passkey: options for navigator.credentials.create, good for this link only, once, for 5 minutes.',
    body: z.object({ token: text(200) }).strict(),
    responses: { 200: 'The options', 410: 'Expired, used or unknown link (staff.setup_link_invalid)' },
    handler: async ({ body }) => {
      const ceremony = await startStaffPasskeySetup(deps, body.token);
      return { flow_id: ceremony.flowId, options: ceremony.options };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/setup', tag: TAG, guards: [],
    summary: 'Finish a setup link: a password (the customers’ rules) and the first code from the authenticator app, or a passkey, or both. The link then stops working.',
    body: z
      .object({
        token: text(200),
        password: text(1000),
        code: text(16).optional(),
        passkey: z.object({ flow_id: text(200), name: text(1000), response: registrationResponse }).strict().optional(),
      })
      .strict(),
    responses: { 200: 'Set up; sign in next', 400: 'Weak password, wrong code, no factor or passkey not accepted', 404: 'Unknown passkey options', 410: 'Expired, used or unknown link (staff.setup_link_invalid)' },
    handler: async ({ body, info }) => {
      const passkey = body.passkey && { flowId: body.passkey.flow_id, name: body.passkey.name, response: asRegistration(body.passkey.response) };
      return { staff: staffJson(await completeStaffSetup(deps, { token: body.token, password: body.password, code: body.code, passkey }, info.ip)) };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/signin', tag: TAG, guards: [],
    summary: 'Staff sign-in, first step: email and password. Answers a short-lived ticket and the second-step methods offered; unknown email and wrong password answer alike.',
    body: z.object({ email: text(320), password: text(1000) }).strict(),
    responses: { 200: 'Second step needed', 401: 'Sign-in failed (signin.failed)', 429: 'Too many attempts' },
    handler: async ({ body, info }) => {
      const ticket = await staffPasswordStep(deps, body, info);
      return { ticket: ticket.ticket, methods: ticket.methods, expires_at: iso(ticket.expiresAt) };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/signin/second-factor', tag: TAG, guards: [],
    summary: 'Staff sign-in, second step: a code from the authenticator app (method totp). Answers the staff session token (12 hours, 30 minutes idle) and sets the staff cookie.',
    body: z.object({ ticket: text(200), method: z.enum(['totp']), code: text(16) }).strict(),
    responses: { 201: 'Signed in', 400: 'Method not set up', 401: 'Wrong code or expired ticket', 429: 'Too many attempts' },
    handler: async ({ body, info, reply }) => {
      const session = await staffSecondStep(deps, body, info);
      setStaffCookie(reply, deps.config, session.token, session.expiresAt);
      return new ApiAnswer(201, { session: { token: session.token, expires_at: iso(session.expiresAt) } });
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/signin/passkey', tag: TAG, guards: [],
    summary: 'Staff sign-in, second step with a passkey: options for navigator.credentials.get, bound to this ticket, once.',
    body: z.object({ ticket: text(200) }).strict(),
    responses: { 200: 'The options', 400: 'No passkey set up', 401: 'Expired ticket' },
    handler: async ({ body }) => {
      const ceremony = await staffPasskeyOptions(deps, body);
      return { flow_id: ceremony.flowId, options: ceremony.options };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/signin/passkey/finish', tag: TAG, guards: [],
    summary: 'Staff sign-in, second step: the authenticator’s answer. Answers the staff session token and sets the staff cookie.',
    body: z.object({ ticket: text(200), flow_id: text(200), response: authenticationResponse }).strict(),
    responses: { 201: 'Signed in', 401: 'Passkey not accepted or expired ticket', 404: 'Unknown options', 409: 'Options already used', 429: 'Too many attempts' },
    handler: async ({ body, info, reply }) => {
      const session = await staffPasskeyStep(deps, { ticket: body.ticket, flowId: body.flow_id, response: asAuthentication(body.response) }, info);
      setStaffCookie(reply, deps.config, session.token, session.expiresAt);
      return new ApiAnswer(201, { session: { token: session.token, expires_at: iso(session.expiresAt) } });
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/signout', tag: TAG, guards: [staffSignedIn],
    summary: 'End this staff session.',
    body: z.object({}).strict(),
    responses: { 204: 'Signed out', 401: AUTH[401] },
    handler: async ({ staff, info, reply }) => {
      await staffSignOut(deps, staff, info);
      clearStaffCookie(reply, deps.config);
    },
  });

  api.add({
    method: 'GET', path: '/api/support/v1/me', tag: TAG, guards: [staffSignedIn],
    summary: 'The signed-in staff member and what their role may do.',
    responses: { 200: 'The member', 401: AUTH[401] },
    handler: async ({ staff }) => ({ staff: { id: staff.id, name: staff.name, email: staff.email, role: staff.role }, permissions: permissionsOf(staff.role) }),
  });

  api.add({
    method: 'GET', path: '/api/support/v1/staff', tag: TAG, guards: [staffSignedIn],
    summary: 'Every staff member (permission staff.manage).',
    responses: { 200: 'The list', ...AUTH },
    handler: async ({ staff }) => {
      requirePermission(staff, 'staff.manage');
      return { staff: (await listStaff(deps)).map(staffJson) };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/staff', tag: TAG, guards: [staffSignedIn],
    summary: 'Add a staff member (permission staff.manage; no role above your own). Answers the single-use setup link, shown only this once.',
    body: z.object({ email: text(320), name: text(100), role: text(20) }).strict(),
    responses: { 201: 'Created; setup link returned once', 400: 'Invalid fields', ...AUTH, 409: 'Email taken (staff.email_taken)' },
    handler: async ({ staff, body, info }) => {
      requirePermission(staff, 'staff.manage');
      const created = await createStaff(deps, { id: staff.id, role: staff.role }, body, info.ip);
      return new ApiAnswer(201, { staff: staffJson(created.staff), setup_link: created.setupLink });
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/staff/:staffId/disable', tag: TAG, guards: [staffSignedIn],
    summary: 'Disable a staff member: their sessions and setup links stop at once (permission staff.manage).',
    body: z.object({}).strict(),
    responses: { 200: 'Disabled', ...AUTH, 404: 'Unknown staff member' },
    handler: async ({ staff, params, info }) => {
      requirePermission(staff, 'staff.manage');
      return { staff: staffJson(await disableStaff(deps, { id: staff.id, role: staff.role }, params.staffId!, info.ip)) };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/staff/:staffId/reset-factors', tag: TAG, guards: [staffSignedIn],
    summary: 'A lost factor: remove the member’s password and second factors, end their sessions, and answer a new setup link, shown once (permission staff.manage).',
    body: z.object({}).strict(),
    responses: { 200: 'Reset; setup link returned once', ...AUTH, 404: 'Unknown staff member', 409: 'Disabled (staff.disabled)' },
    handler: async ({ staff, params, info }) => {
      requirePermission(staff, 'staff.manage');
      const reset = await resetStaffFactors(deps, { id: staff.id, role: staff.role }, params.staffId!, info.ip);
      return { staff: staffJson(reset.staff), setup_link: reset.setupLink };
    },
  });

  api.add({
    method: 'GET', path: '/api/support/v1/staff-audit', tag: TAG, guards: [staffSignedIn],
    summary: 'The staff audit list, newest first, at most 200 (permission staff.audit).',
    responses: { 200: 'The entries', ...AUTH },
    handler: async ({ staff }) => {
      requirePermission(staff, 'staff.audit');
      const entries = await readStaffAudit(deps);
      return { events: entries.map((e) => ({ id: e.id, type: e.type, staff_id: e.staffId, actor_id: e.actorId, detail: e.detail, ip: e.ip, at: iso(e.createdAt) })) };
    },
  });
}
