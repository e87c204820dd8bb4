import { signinAnswer } from '../../signin/api-answer.js';
import { z } from 'zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../../platform/context.js';
import type { ApiRegistry } from '../../platform/http/api.js';
import { text } from '../../platform/http/validation.js';
import { iso } from '../../platform/format.js';
import { finishPasskeySignin, passkeySecondFactorOptions, startPasskeySignin, submitPasskeySecondFactor } from '../../signin/passkey-signin.js';
import { beginPasskeyRegistration, finishPasskeyRegistration, listPasskeys, removePasskey, renamePasskey } from './passkeys.js';
import { recentStepUp } from '../../signin/step-up-guard.js';
import { signedIn } from '../../sessions/guards.js';
import { safeReturnTo } from '../../platform/web/return-to.js';

/**
 * Passkeys over JSON: add (step-up), list, rename, remove (step-up); sign in with a passkey alone, or use one as
 * the second step. The authenticator's response is checked for shape and size here and for meaning by
 * @simplewebauthn/server; answers carry `next`, the page the browser goes to afterwards.
 */
const base64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*={0,2}$/, 'Must be base64url.');

const credential = {
  // WebAuthn credential ids are at most 1023 bytes.
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string().max(64), z.unknown()),
};

export const registrationResponse = z.object({
  ...credential,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(32_768),
    authenticatorData: base64url(8192).optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(8192).optional(),
  }),
});

// Post-quantum ML-DSA keys, which @simplewebauthn offers where the runtime supports them (Node 24) and Chromium
// picks, sign with up to 4,627 bytes (ML-DSA-87) and have public keys of up to 2,592: room for both in base64url.
export const authenticationResponse = z.object({
  ...credential,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(8192),
    signature: base64url(8192),
    userHandle: base64url(1024).optional(),
  }),
});

// The schemas above fix the shape; the library's types name the same fields more narrowly (transport names, extensions).
export const asRegistration = (value: z.infer<typeof registrationResponse>) => value as unknown as RegistrationResponseJSON;
export const asAuthentication = (value: z.infer<typeof authenticationResponse>) => value as unknown as AuthenticationResponseJSON;

export function registerPasskeyApi(api: ApiRegistry, deps: Deps): void {

  api.add({
    method: 'POST', path: '/api/v1/passkeys/registration/options', tag: 'Passkeys', guards: [recentStepUp],
    summary: 'Start adding a passkey: options for navigator.credentials.create(), and the flow id to send back with the result. A name given here is checked first.',
    body: z.object({ name: text(1000).optional() }).strict(),
    responses: { 200: 'Options', 400: 'Name not accepted', 403: 'Step-up required' },
    handler: async ({ body, session }) => {
      const started = await beginPasskeyRegistration(deps, session.accountId, body.name);
      return { flow_id: started.flowId, options: started.options };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/passkeys/registration', tag: 'Passkeys', guards: [recentStepUp],
    summary: 'Finish adding a passkey with the authenticator’s response and a name for it. Each set of options works once.',
    body: z.object({ flow_id: text(200), name: text(1000), response: registrationResponse }).strict(),
    responses: { 201: 'Added', 400: 'Response or name not accepted', 403: 'Step-up required', 404: 'Unknown flow', 409: 'Options already used', 410: 'Options expired' },
    handler: async ({ body, session, info }) => {
      const passkey = await finishPasskeyRegistration(deps, { accountId: session.accountId, flowId: body.flow_id, name: body.name, response: asRegistration(body.response), info });
      return { passkey: { id: passkey.id, name: passkey.label, added_at: iso(passkey.createdAt) }, next: '/account/passkeys?notice=added' };
    },
  });

  api.add({
    method: 'GET', path: '/api/v1/passkeys', tag: 'Passkeys', guards: [signedIn],
    summary: 'Your passkeys: name, when added, when last used.',
    responses: { 200: 'Passkeys', 401: 'Not signed in' },
    handler: async ({ session }) => ({
      passkeys: (await listPasskeys(deps.db, session.accountId)).map((p) => ({
        id: p.id,
        name: p.label,
        added_at: iso(p.createdAt),
        last_used_at: p.lastUsedAt ? iso(p.lastUsedAt) : null,
        user_verified: p.userVerified,
      })),
    }),
  });

  api.add({
    method: 'PATCH', path: '/api/v1/passkeys/:id', tag: 'Passkeys', guards: [signedIn],
    summary: 'Rename one of your passkeys.',
    body: z.object({ name: text(1000) }).strict(),
    responses: { 204: 'Renamed', 400: 'Name not accepted', 404: 'No such passkey on your account' },
    handler: async ({ body, params, session }) => {
      await renamePasskey(deps, { accountId: session.accountId, id: params.id!, name: body.name });
    },
  });

  api.add({
    method: 'DELETE', path: '/api/v1/passkeys/:id', tag: 'Passkeys', guards: [recentStepUp],
    summary: 'Remove one of your passkeys.',
    responses: { 204: 'Removed', 403: 'Step-up required', 404: 'No such passkey on your account' },
    handler: async ({ params, session, info }) => {
      await removePasskey(deps, { accountId: session.accountId, id: params.id!, info });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/passkey/options', tag: 'Sign-in', guards: [],
    summary: 'Start signing in with a passkey alone: options for navigator.credentials.get() (any passkey for this site, user verification required). return_to: where the browser goes once signed in — a path here or a page on RETURN_URL_ORIGINS; anything else is ignored.',
    body: z.object({ return_to: z.string().optional() }).strict(),
    responses: { 200: 'Options' },
    handler: async ({ body }) => {
      const started = await startPasskeySignin(deps, safeReturnTo(body.return_to, deps.config));
      return { flow_id: started.flowId, options: started.options };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/passkey', tag: 'Sign-in', guards: [],
    summary: 'Finish signing in with a passkey. A passkey that did not verify the user counts as one factor: an account with two-step verification then answers 200 with the methods left.',
    body: z.object({ flow_id: text(200), response: authenticationResponse }).strict(),
    responses: { 201: 'Signed in; session returned', 200: 'Second step needed', 401: 'Sign-in failed', 409: 'Options already used', 410: 'Options expired', 429: 'Too many attempts' },
    handler: async ({ body, info, reply }) => signinAnswer(reply, deps.config, await finishPasskeySignin(deps, body.flow_id, asAuthentication(body.response), info), info),
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/passkey/options', tag: 'Sign-in', guards: [],
    summary: 'Second step with a passkey: options for navigator.credentials.get() listing the account’s passkeys.',
    body: z.object({}).strict(),
    responses: { 200: 'Options', 400: 'No passkey on this account', 409: 'Wrong step' },
    handler: async ({ params }) => ({ flow_id: params.flowId!, options: await passkeySecondFactorOptions(deps, params.flowId!) }),
  });

  api.add({
    method: 'POST', path: '/api/v1/signin/flows/:flowId/passkey', tag: 'Sign-in', guards: [],
    summary: 'Finish the second step with a passkey. remember_device skips this step on this device for 30 days.',
    body: z.object({ response: authenticationResponse, remember_device: z.boolean().optional() }).strict(),
    responses: { 201: 'Signed in; session returned', 400: 'No passkey on this account', 401: 'Passkey not accepted', 409: 'Wrong step or options already used', 410: 'Options expired', 429: 'Too many attempts' },
    handler: async ({ body, params, info, reply }) => {
      const result = await submitPasskeySecondFactor(deps, params.flowId!, { response: asAuthentication(body.response), rememberDevice: body.remember_device }, info);
      return signinAnswer(reply, deps.config, result, info);
    },
  });
}
