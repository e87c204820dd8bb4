import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { CustosApi } from './custos-api.js';
import { registerPayRoutes } from './pay-routes.js';
import { registerSignInRoutes } from './sign-in-routes.js';
import type { Registration } from './registration.js';
import { sendPage, sendProblem, visit, type ShopContext } from './shop-context.js';
import { SHOP_CSS } from './shop-layout.js';
import { EventLogPage } from './shop-pages.js';
import { ShopSessions } from './shop-sessions.js';
import { SignInWithCustos } from './sign-in.js';
import { WebhookLog } from './webhook-log.js';

/**
 * The demo partner shop as a Fastify app: its own pages, a client of Custos over HTTP and nothing else. Build it
 * with its registration (client credentials and webhook secret) and a clock; main.ts listens on PARTNER_PORT.
 */
export interface ShopOptions {
  publicUrl: string;
  custosUrl: string;
  storeName: string;
  registration: Registration;
  now: () => number;
  log: (line: string) => void;
}

export async function buildShop(options: ShopOptions): Promise<FastifyInstance> {
  const { registration } = options;
  const shop: ShopContext = {
    publicUrl: options.publicUrl,
    custosUrl: options.custosUrl,
    storeName: options.storeName,
    sessions: new ShopSessions(options.now),
    signIn: new SignInWithCustos({
      issuer: new URL(`${options.custosUrl}/oidc`),
      clientId: registration.client_id,
      clientSecret: registration.client_secret,
      redirectUri: registration.redirect_uri,
      now: options.now,
    }),
    api: new CustosApi(options.custosUrl, registration.client_id, registration.client_secret),
    webhooks: new WebhookLog(registration.webhook?.secret, options.now),
    webhookUrl: registration.webhook?.url,
    now: options.now,
    log: options.log,
  };
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(cookie);
  await app.register(formbody);

  const custosOrigin = new URL(options.custosUrl).origin;
  app.addHook('onSend', async (_request, reply) => {
    // No script at all; forms may post here and the checkout redirect may lead to the store; never framed.
    reply.header('content-security-policy', `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${custosOrigin}; frame-ancestors 'none'; base-uri 'none'`);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler(async (error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) options.log(`${request.method} ${request.url} failed: ${error.message}`);
    const { session } = visit(shop, request, reply);
    return sendProblem(reply, session, status, status === 500 ? 'Something went wrong' : 'That request was not understood', status === 500 ? 'Please try again.' : 'Please go back and try again.');
  });
  app.setNotFoundHandler(async (request, reply) => sendProblem(reply, visit(shop, request, reply).session, 404, 'Page not found', 'There is no page at this address.'));

  app.get('/northwind.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SHOP_CSS));
  registerSignInRoutes(app, shop);
  registerPayRoutes(app, shop);
  registerWebhookRoutes(app, shop);
  return app;
}

/** The receiver Custos posts events to, and the page that lists them. */
function registerWebhookRoutes(app: FastifyInstance, shop: ShopContext): void {
  app.get('/webhooks', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    return sendPage(reply, { title: 'Webhook log', csrf: session.csrf, customerName: session.customer?.name, current: 'events' }, <EventLogPage events={shop.webhooks.list()} webhookUrl={shop.webhookUrl} />);
  });
  void app.register(async (scope) => {
    // The signature covers the body byte for byte, so it is kept as received, never parsed and re-serialised.
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));
    scope.post('/webhooks', async (request, reply) => {
      const header = request.headers['custos-signature'];
      const verified = shop.webhooks.receive(typeof header === 'string' ? header : undefined, typeof request.body === 'string' ? request.body : '');
      return verified ? reply.code(204).send() : reply.code(400).type('application/json').send({ error: { code: 'signature.invalid', message: 'The Custos-Signature header does not match this endpoint.' } });
    });
  });
}
