import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { errors } from '../platform/errors.js';
import { clearSessionCookie } from '../platform/http/session-cookie.js';
import { iso } from '../platform/format.js';
import { listSessions } from './store.js';
import { endAllOtherSessions, endOneSession, signOut } from './ending.js';
import { signedIn } from './guards.js';

export function registerSessionApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/v1/session', tag: 'Sessions', guards: [signedIn],
    summary: 'Who is signed in, cheaply: the session check a shop runs on every page (one database read).',
    responses: { 200: 'The current session', 401: 'Not signed in' },
    handler: async ({ session }) => ({
      session: {
        id: session.sessionId,
        name: session.accountName,
        factors: session.factors,
        signed_in_at: iso(session.createdAt),
        step_up_valid_until: iso(session.authenticatedAt + deps.config.stepUpMinutes * 60_000),
      },
    }),
  });

  api.add({
    method: 'GET', path: '/api/v1/sessions', tag: 'Sessions', guards: [signedIn],
    summary: 'Every device signed in to your account.',
    responses: { 200: 'Sessions, most recently used first', 401: 'Not signed in' },
    handler: async ({ session }) => ({
      sessions: (await listSessions(deps, session.accountId)).map((s) => ({
        id: s.id,
        current: s.id === session.sessionId,
        device: s.device,
        place: s.place,
        started_at: iso(s.createdAt),
        last_used_at: iso(s.lastUsedAt),
      })),
    }),
  });

  api.add({
    method: 'DELETE', path: '/api/v1/sessions/:id', tag: 'Sessions', guards: [signedIn],
    summary: 'Sign out one device. Another customer’s session id is unknown here (404).',
    responses: { 204: 'Ended', 401: 'Not signed in', 404: 'No such session' },
    handler: async ({ session, params, info }) => {
      if (!(await endOneSession(deps, session, params.id!, info))) throw errors.notFound('session');
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/sessions/end-others', tag: 'Sessions', guards: [signedIn],
    summary: 'Sign out everywhere else.',
    body: z.object({}).strict(),
    responses: { 200: 'How many sessions ended', 401: 'Not signed in' },
    handler: async ({ session, info }) => ({ ended_sessions: await endAllOtherSessions(deps, session, info) }),
  });

  api.add({
    method: 'POST', path: '/api/v1/signout', tag: 'Sessions', guards: [signedIn],
    summary: 'Sign out this session.',
    body: z.object({}).strict(),
    responses: { 204: 'Signed out', 401: 'Not signed in' },
    handler: async ({ session, info, reply }) => {
      await signOut(deps, session, info);
      clearSessionCookie(reply, deps.config);
    },
  });
}
