import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { errors } from '../platform/errors.js';
import { iso } from '../platform/format.js';
import { ACTIVITY_PAGE_MAX, listActivity } from './activity.js';
import { signedIn } from '../sessions/guards.js';

export function registerActivityApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/v1/activity', tag: 'Login activity', guards: [signedIn],
    summary: `Your login activity and security events, newest first. Query: limit (1–${ACTIVITY_PAGE_MAX}, default 20), before (the "next" value of the previous page).`,
    responses: { 200: 'One page of activity', 400: 'Bad limit or page link', 401: 'Not signed in' },
    handler: async ({ session, query }) => {
      const limit = query.limit === undefined ? undefined : Number(query.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > ACTIVITY_PAGE_MAX)) {
        throw errors.invalidInput({ limit: `Use a whole number from 1 to ${ACTIVITY_PAGE_MAX}.` });
      }
      const before = typeof query.before === 'string' ? query.before : undefined;
      const page = await listActivity(deps, session.accountId, { before, limit });
      return {
        activity: page.entries.map((e) => ({
          at: iso(e.at),
          type: e.type,
          description: e.description,
          outcome: e.outcome,
          method: e.method,
          ip: e.ip,
          place: e.place,
          device: e.device,
          current_session: e.sessionId !== null && e.sessionId === session.sessionId,
          from_merged_account: e.fromMerged,
        })),
        next: page.next,
      };
    },
  });
}
