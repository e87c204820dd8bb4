import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { text } from '../platform/http/validation.js';
import { iso } from '../platform/format.js';
import { beginTotp, confirmTotp, enableSmsFactor, forgetDevices, newBackupCodes, removeFactor, twoStepOverview } from './enrolment.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { signedIn } from '../sessions/guards.js';

export function registerFactorApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/v1/two-step', tag: 'Two-step verification', guards: [signedIn],
    summary: 'Your second factors, backup codes left, and the devices that skip the second step.',
    responses: { 200: 'Overview', 401: 'Not signed in' },
    handler: async ({ session }) => {
      const overview = await twoStepOverview(deps, session.accountId);
      return {
        factors: overview.factors.map((f) => ({ id: f.id, kind: f.kind, label: f.label, added_at: iso(f.createdAt), last_used_at: f.lastUsedAt ? iso(f.lastUsedAt) : null })),
        backup_codes_left: overview.backupCodesLeft,
        has_verified_phone: overview.hasVerifiedPhone,
        remembered_devices: overview.rememberedDevices.map((d) => ({ id: d.id, device: d.device, place: d.place, remembered_at: iso(d.createdAt), until: iso(d.expiresAt) })),
      };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/two-step/totp', tag: 'Two-step verification', guards: [recentStepUp],
    summary: 'Start adding an authenticator app: returns the key, its otpauth URI and a QR code (SVG). Active once confirmed with a code.',
    body: z.object({}).strict(),
    responses: { 201: 'Key to scan', 403: 'Step-up required' },
    handler: async ({ session }) => {
      const enrolment = await beginTotp(deps, session.accountId, { fresh: true });
      return { key: enrolment.key, otpauth_uri: enrolment.uri, qr_svg: enrolment.qrSvg };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/two-step/totp/confirm', tag: 'Two-step verification', guards: [recentStepUp],
    summary: 'Confirm the authenticator app with its current code.',
    body: z.object({ code: text(12) }).strict(),
    responses: { 204: 'Active', 400: 'Wrong code', 403: 'Step-up required', 410: 'No set-up waiting' },
    handler: async ({ body, session, info }) => {
      await confirmTotp(deps, { accountId: session.accountId, code: body.code, info });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/two-step/sms', tag: 'Two-step verification', guards: [recentStepUp],
    summary: 'Use text-message codes as a second factor (verified phone only). Texts can be intercepted: a passkey or an authenticator app is safer.',
    body: z.object({}).strict(),
    responses: { 204: 'On', 400: 'No verified phone', 403: 'Step-up required' },
    handler: async ({ session, info }) => {
      await enableSmsFactor(deps, { accountId: session.accountId, info });
    },
  });

  api.add({
    method: 'DELETE', path: '/api/v1/two-step/factors/:id', tag: 'Two-step verification', guards: [recentStepUp],
    summary: 'Remove a second factor.',
    responses: { 204: 'Removed', 403: 'Step-up required', 404: 'No such factor on your account' },
    handler: async ({ params, session, info }) => {
      await removeFactor(deps, { accountId: session.accountId, factorId: params.id!, info });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/two-step/backup-codes', tag: 'Two-step verification', guards: [recentStepUp],
    summary: 'Ten new single-use backup codes, shown this once; any older set stops working.',
    body: z.object({}).strict(),
    responses: { 201: 'The codes', 403: 'Step-up required' },
    handler: async ({ session, info }) => ({ codes: await newBackupCodes(deps, { accountId: session.accountId, info }) }),
  });

  api.add({
    method: 'DELETE', path: '/api/v1/two-step/remembered-devices/:id', tag: 'Two-step verification', guards: [signedIn],
    summary: 'Stop a device from skipping the second step.',
    responses: { 204: 'Forgotten', 404: 'No such device on your account' },
    handler: async ({ params, session, info }) => {
      await forgetDevices(deps, { accountId: session.accountId, id: params.id!, info });
    },
  });
}
