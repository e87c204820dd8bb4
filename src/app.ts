import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { Config } from './config.js';
import type { Clock } from './platform/clock.js';
import { cryptoRandom, type Random } from './platform/random.js';
import type { Deps } from './platform/context.js';
import type { Db } from './platform/db/connect.js';
import { ApiRegistry } from './platform/http/api.js';
import { trackHandlers } from './platform/http/in-flight.js';
import { installErrorHandler, sendError } from './platform/http/error-handler.js';
import { AppError } from './platform/errors.js';
import { applySecurityHeaders, installSecurityHeaders } from './platform/http/security-headers.js';
import { registerAssets } from './platform/http/assets.js';
import { loggerOptions } from './platform/logging.js';
import { DeliveryWorker } from './notify/delivery-worker.js';
import { createSmtpTransport } from './notify/email-transport.js';
import { createWebhookSmsTransport } from './notify/sms-transport.js';
import { registerDevMailbox } from './notify/mailbox-page.js';
import { registerSignupApi } from './signup/api.js';
import { registerPasswordApi } from './passwords/api.js';
import { registerAccountApi } from './accounts/api.js';
import { registerSettingsApi } from './settings/api.js';
import { registerSigninApi } from './signin/api.js';
import { registerSessionApi } from './sessions/api.js';
import { registerActivityApi } from './activity/api.js';
import { registerFactorApi } from './methods/api.js';
import { registerRecoveryApi } from './recovery/api.js';
import { registerPasskeyApi } from './methods/passkey/passkey-api.js';
import { registerStoreApi } from './merchants/store-api.js';
import { registerCustomerImportApi } from './imports/import-api.js';
import { registerAddressApi } from './wallet/addresses/address-api.js';
import { registerOrderApi } from './orders/order-api.js';
import { registerCardApi } from './wallet/cards/card-api.js';
import { registerSupportApi } from './support/api.js';
import { registerSupportRecoveryApi } from './support/recovery/api.js';
import { registerSandboxGatewayPages } from './wallet/gateways/sandbox/sandbox-page.js';
import { registerPages } from './pages.js';
import { customerChrome } from './accounts/customer-chrome.js';
import { registerStaffApi } from './staff/api.js';
import { signedInOrNot } from './sessions/guards.js';
import { JobRunner } from './platform/jobs/runner.js';
import { registerScheduledJobs } from './scheduled-jobs.js';
import { webhookQueue } from './webhooks/delivery.js';
import { registerCheckoutApi } from './checkout/checkout-api.js';
import { registerDataExportApi } from './data-export/api.js';
import { registerClosingApi } from './closing/api.js';
import { registerMergeApi } from './merging/merge-api.js';
import { mountOidcProvider } from './partners/oidc/mount.js';
import { registerPartnerPages } from './partners/partner-pages.js';
import { registerMessageCheckApi } from './message-check/api.js';

export interface App {
  fastify: FastifyInstance;
  deps: Deps;
  worker: DeliveryWorker;
  /** Scheduled jobs; main.ts starts it, tests call runDue() after moving the clock. */
  jobs: JobRunner;
  close(): Promise<void>;
}

/** Every feature's routes are registered here, by hand, in one list. */
export async function buildApp(options: { config: Config; db: Db; clock: Clock; random?: Random }): Promise<App> {
  const { config, db, clock, random = cryptoRandom } = options;
  const fastify = Fastify({
    logger: loggerOptions(config),
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 64 * 1024,
    // Ids in URLs are short; anything longer is hostile.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // URLs Fastify can't route (bad percent-encoding, over-long ids) answer in our error shape, with our headers.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      applySecurityHeaders(reply, config);
      sendError(request, reply, new AppError(tooLong ? 414 : 400, tooLong ? 'request.url_too_long' : 'request.malformed_url', tooLong ? 'The address is too long.' : 'The address is malformed.'), customerChrome);
    },
  });

  const inFlight = trackHandlers(fastify);

  const email = config.smtpUrl ? createSmtpTransport(config.smtpUrl, config.mailFrom, config.dkim) : undefined;
  const sms = config.smsWebhookUrl ? createWebhookSmsTransport(config.smsWebhookUrl) : undefined;
  const worker = new DeliveryWorker({
    db: db.kysely,
    clock,
    log: fastify.log,
    email,
    sms,
    devMailbox: config.devMailbox,
    scrubAfterSend: config.env === 'production',
    webhooks: webhookQueue({ db: db.kysely, clock, log: fastify.log, keys: config.keys, timeoutMs: config.webhookTimeoutMs }),
  });
  const deps: Deps = {
    config,
    db: db.kysely,
    engine: db.engine,
    clock,
    random,
    log: fastify.log,
    notifyOutbox: () => worker.kick(),
  };

  const jobs = new JobRunner({ db: db.kysely, clock, log: fastify.log });
  registerScheduledJobs(jobs, deps);

  await fastify.register(cookie);
  await fastify.register(formbody, { bodyLimit: 64 * 1024 });
  installSecurityHeaders(fastify, config);
  installErrorHandler(fastify, customerChrome);
  registerAssets(fastify);

  // Liveness (the process answers) and readiness (the database answers), for load balancers.
  fastify.get('/livez', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  fastify.get('/healthz', async (_request, reply) => {
    await db.kysely.selectFrom('accounts').select('id').limit(1).execute();
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  const api = new ApiRegistry(fastify, deps);
  registerSigninApi(api, deps);
  registerSignupApi(api, deps);
  registerPasswordApi(api);
  registerAccountApi(api, deps);
  registerSettingsApi(api, deps);
  registerSessionApi(api, deps);
  registerActivityApi(api, deps);
  registerFactorApi(api, deps);
  registerRecoveryApi(api, deps);
  registerPasskeyApi(api, deps);
  registerStoreApi(api, deps);
  registerCustomerImportApi(api, deps);
  registerOrderApi(api, deps);
  registerAddressApi(api, deps);
  registerCardApi(api, deps);
  registerStaffApi(api, deps);
  registerSupportApi(api, deps);
  registerSupportRecoveryApi(api, deps);
  registerCheckoutApi(api, deps);
  registerMessageCheckApi(api, deps);
  registerDataExportApi(api, deps);
  registerClosingApi(api, deps);
  registerMergeApi(api, deps);
  fastify.get('/api/openapi.json', async () => api.openApiDocument());

  // Pages open to anyone still greet a signed-in customer by name.
  registerPages(fastify, deps, signedInOrNot);
  // The built-in gateway's own card-entry page exists only while it is the configured gateway.
  if (config.paymentGateway === 'sandbox') registerSandboxGatewayPages(fastify, deps);
  registerDevMailbox(fastify, { db: db.kysely, config });
  // "Sign in with <store>": the OpenID provider under /oidc, and our pages it sends customers to.
  registerPartnerPages(fastify, deps, await mountOidcProvider(fastify, deps));

  return {
    fastify,
    deps,
    worker,
    jobs,
    close: async () => {
      await fastify.close();
      await jobs.stop();
      await inFlight.drain(15_000);
      await worker.stop();
      email?.close();
    },
  };
}

/** Believe only the last `hops` entries of X-Forwarded-For: the ones our own proxies added. */
function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}
