import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { errors } from '../platform/errors.js';
import { iso } from '../platform/format.js';
import { singleQueryValue } from '../platform/http/query.js';
import { text } from '../platform/http/validation.js';
import { signedIn } from '../sessions/guards.js';
import { recentStepUp } from '../signin/step-up-guard.js';
import { displayReference } from '../notify/message-frame.js';
import { checkMessage } from './check.js';
import { REFERENCE_INPUT_MAX } from './reference.js';
import { MESSAGES_PAGE_MAX, listSentMessages } from './sent-messages.js';
import { currentPhrase, removePhrase, setPhrase } from './phrase.js';
import { REPORT_LIMITS, reportSuspiciousMessage } from './reports.js';

/** "Is this message really from us?" for programs: the public check, and the customer's messages, phrase and reports. */
export function registerMessageCheckApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/v1/message-checks', tag: 'Messages', guards: [],
    summary: 'Check a message reference (or a link from a message): did we send it, when, and to which (masked) address. Rate limited per network.',
    body: z.object({ reference: text(REFERENCE_INPUT_MAX) }).strict(),
    responses: { 200: 'The answer: sent true with its date and masked destination, or sent false', 400: 'Not text', 429: 'Too many checks from this network (Retry-After)' },
    handler: async ({ body, info }) => {
      const answer = await checkMessage(deps, { reference: body.reference, ip: info.ip });
      if (!answer.sent) return { sent: false, reference: answer.reference ? displayReference(answer.reference) : null };
      return { sent: true, reference: displayReference(answer.reference), sent_at: iso(answer.sentAt), channel: answer.channel, destination: answer.destination, subject: answer.subject };
    },
  });

  api.add({
    method: 'GET', path: '/api/v1/account/messages', tag: 'Messages', guards: [signedIn],
    summary: `Every message we sent you, newest first. Query: limit (1–${MESSAGES_PAGE_MAX}, default 25), before (the "next" value of the previous page).`,
    responses: { 200: 'One page of messages', 400: 'Bad limit or page link', 401: 'Not signed in' },
    handler: async ({ session, query }) => {
      const rawLimit = singleQueryValue(query, 'limit', { maxLength: 4 });
      const limit = rawLimit === undefined ? undefined : Number(rawLimit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MESSAGES_PAGE_MAX)) {
        throw errors.invalidInput({ limit: `Use a whole number from 1 to ${MESSAGES_PAGE_MAX}.` });
      }
      const page = await listSentMessages(deps, session.accountId, { before: singleQueryValue(query, 'before', { maxLength: 200 }), limit });
      return {
        messages: page.messages.map((m) => ({ sent_at: iso(m.at), channel: m.channel, destination: m.destination, subject: m.subject, reference: displayReference(m.reference) })),
        next: page.next,
      };
    },
  });

  api.add({
    method: 'GET', path: '/api/v1/account/personal-phrase', tag: 'Messages', guards: [recentStepUp],
    summary: 'Your personal phrase, shown at the top of every email to your verified addresses (null when none is set).',
    responses: { 200: 'The phrase', 401: 'Not signed in', 403: 'Step-up required' },
    handler: async ({ session }) => ({ phrase: (await currentPhrase(deps, session.accountId)) ?? null }),
  });

  api.add({
    method: 'POST', path: '/api/v1/account/personal-phrase', tag: 'Messages', guards: [recentStepUp],
    summary: 'Set or change your personal phrase (4–40 letters, digits, spaces and light punctuation). Every verified contact is told.',
    body: z.object({ phrase: text(200) }).strict(),
    responses: { 200: 'Saved', 400: 'Too short, too long or odd characters', 401: 'Not signed in', 403: 'Step-up required' },
    handler: async ({ body, session, info }) => ({ phrase: await setPhrase(deps, { accountId: session.accountId, phrase: body.phrase, info }) }),
  });

  api.add({
    method: 'DELETE', path: '/api/v1/account/personal-phrase', tag: 'Messages', guards: [recentStepUp],
    summary: 'Remove your personal phrase.',
    responses: { 204: 'Removed (or there was none)', 401: 'Not signed in', 403: 'Step-up required' },
    handler: async ({ session, info }) => {
      await removePhrase(deps, { accountId: session.accountId, info });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/account/suspicious-messages', tag: 'Messages', guards: [signedIn],
    summary: `Report a message that claimed to be from us: channel (email, sms, other), sender, headers (≤ ${REPORT_LIMITS.headers} characters), body (≤ ${REPORT_LIMITS.body}).`,
    body: z
      .object({ channel: text(10), sender: text(REPORT_LIMITS.sender).default(''), headers: text(REPORT_LIMITS.headers).default(''), body: text(REPORT_LIMITS.body) })
      .strict(),
    responses: { 201: 'Reported', 400: 'Missing or oversized fields', 401: 'Not signed in', 429: 'Too many reports this hour (Retry-After)' },
    handler: async ({ body, session, info }) => {
      const outcome = await reportSuspiciousMessage(deps, { accountId: session.accountId, ...body, info });
      return { id: outcome.id, reference_is_ours: outcome.ours, acknowledged_by_email: outcome.acknowledged };
    },
  });
}
