import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import middie from '@fastify/middie';
import type Provider from 'oidc-provider';
import type { Deps } from '../../platform/context.js';
import { securityHeaders } from '../../platform/http/security-headers.js';
import { createOidcProvider, OIDC_PATH } from './provider.js';
import { rememberProvider } from './provider-registry.js';
import { recordPartnerSignins, rememberCaller } from './signin-record.js';

/**
 * The provider runs as Connect middleware under /oidc, not as Fastify routes: it reads its own request bodies and
 * writes its own redirects. Its answers bypass Fastify's onSend hook, so our security headers are set here first.
 */
export async function mountOidcProvider(fastify: FastifyInstance, deps: Deps): Promise<Provider> {
  const provider = await createOidcProvider(deps);
  rememberProvider(deps, provider);
  recordPartnerSignins(provider, deps);
  fastify.addHook('onRequest', async (request) => {
    if (request.url.startsWith(`${OIDC_PATH}/`)) rememberCaller(request.raw, request.ip);
  });
  await fastify.register(middie, { hook: 'onRequest' });
  const callback = provider.callback();
  fastify.use(OIDC_PATH, (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => {
    for (const [name, value] of securityHeaders(deps.config)) response.setHeader(name, value);
    callback(request, response).catch(next);
  });
  return provider;
}
