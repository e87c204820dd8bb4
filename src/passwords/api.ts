import { z } from 'zod';
import type { ApiRegistry } from '../platform/http/api.js';
import { text } from '../platform/http/validation.js';
import { checkPassword } from './policy.js';

/** The password meter's server half (public/), used wherever a new password is typed. */
export function registerPasswordApi(api: ApiRegistry): void {
  api.add({
    method: 'POST', path: '/api/v1/passwords/check', tag: 'Passwords', guards: [],
    summary: 'Strength feedback while typing: the same rules the server enforces.',
    body: z.object({ password: text(1000), name: text(1000).optional(), email: text(1000).optional() }).strict(),
    responses: { 200: 'Verdict' },
    handler: async ({ body }) => {
      const verdict = checkPassword(body.password, { name: body.name, email: body.email });
      return { ok: verdict.ok, score: verdict.score, reason: verdict.reason ?? null, message: verdict.message ?? null, suggestions: verdict.suggestions };
    },
  });
}
