import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { text } from '../platform/http/validation.js';
import { iso } from '../platform/format.js';
import { getProfile, changeName } from './profile.js';
import { signedIn } from '../sessions/guards.js';

/** The account record itself: what it holds, and the name on it. */
export function registerAccountApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/v1/account', tag: 'Account', guards: [signedIn],
    summary: 'The signed-in customer’s account.',
    responses: { 200: 'Account', 401: 'Not signed in' },
    handler: async ({ session }) => ({ account: await accountJson(deps, session.accountId) }),
  });

  api.add({
    method: 'PATCH', path: '/api/v1/account', tag: 'Account', guards: [signedIn],
    summary: 'Change your name.',
    body: z.object({ name: text(1000) }).strict(),
    responses: { 200: 'Updated account', 400: 'Invalid name', 401: 'Not signed in' },
    handler: async ({ body, session, info }) => {
      await changeName(deps, { accountId: session.accountId, name: body.name, info });
      return { account: await accountJson(deps, session.accountId) };
    },
  });
}

/** The account as every answer that returns it shows it. */
export async function accountJson(deps: Deps, accountId: string) {
  const profile = await getProfile(deps, accountId);
  return {
    name: profile.name,
    email: profile.email,
    phone: profile.phone,
    pending_email: profile.pendingEmail,
    pending_phone: profile.pendingPhone,
    member_since: iso(profile.memberSince),
  };
}
