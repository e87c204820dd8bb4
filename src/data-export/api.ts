import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { iso } from '../platform/format.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { signedIn } from '../sessions/guards.js';
import { DOWNLOAD_PATH, listExports, requestExport, type ExportListing } from './exports.js';

const exportJson = (e: ExportListing) => ({
  id: e.id,
  status: e.status,
  requested_at: iso(e.requestedAt),
  ready_at: e.readyAt === null ? null : iso(e.readyAt),
  expires_at: e.expiresAt === null ? null : iso(e.expiresAt),
});

/**
 * "Download your data" for the shop's own front end. The file itself is fetched from the emailed link
 * (GET /account/data/download?export=…&token=…, with the session cookie or a Bearer token of the same account).
 */
export function registerDataExportApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/v1/account/data-exports', tag: 'Account', guards: [recentStepUp],
    summary: `Ask for a copy of your data: built in the background, then a link is emailed (one under way at a time, a few a day). Download it from ${DOWNLOAD_PATH}.`,
    body: z.object({}).strict(),
    responses: { 202: 'Being prepared', 401: 'Not signed in', 403: 'Step-up required', 409: 'One is already being prepared', 429: 'Daily limit reached' },
    handler: async ({ session, info }) => ({ export: exportJson(await requestExport(deps, session.accountId, info)) }),
  });

  api.add({
    method: 'GET', path: '/api/v1/account/data-exports', tag: 'Account', guards: [signedIn],
    summary: 'Your copies of your data still held: being prepared, or ready until they expire.',
    responses: { 200: 'The list', 401: 'Not signed in' },
    handler: async ({ session }) => ({ exports: (await listExports(deps, session.accountId)).map(exportJson) }),
  });
}
