import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/context.js';
import { registerAccountPages } from './account-pages.js';
import { registerCardPages } from './card-pages.js';
import { registerAddressPages } from './address-pages.js';
import { registerActivityPage } from './activity-page.js';
import { registerContactPages } from './contact-pages.js';
import { registerHomePage } from './home-page.js';
import { registerLostFactorPage } from './lost-factor-page.js';
import { registerNamePage } from './name-page.js';
import { registerOrderPages } from './order-pages.js';
import { registerPasswordPage } from './password-page.js';
import { PageRoutes } from './page-session.js';
import { registerPasskeyPages } from './passkey-pages.js';
import { registerRecoveryPages } from './recovery-pages.js';
import { registerResetPasswordPages } from './reset-password-pages.js';
import { registerSecureAccountPages } from './secure-account-pages.js';
import { registerSecurityPages } from './security-pages.js';
import { registerSigninPages } from './signin-pages.js';
import { registerRetryLinkPages } from './retry-link-pages.js';
import { registerSignupLinkPages } from './signup-link-pages.js';
import { registerSignupPages } from './signup-pages.js';
import { registerSmsSigninPage } from './sms-signin-page.js';
import { registerStepUpPage } from './step-up-page.js';
import { registerTwoStepPages } from './two-step-pages.js';
import { registerVerifyPages } from './verify-pages.js';

/**
 * The customer's pages, server-rendered and working without JavaScript. Each file registers one journey;
 * each route names its access (anyone, signed-in, or a recent password confirmation) where it is declared.
 */
export function registerPages(app: FastifyInstance, deps: Deps): void {
  const routes = new PageRoutes(app, deps);
  registerHomePage(routes);
  registerSignupPages(routes);
  registerSignupLinkPages(routes);
  registerSigninPages(routes);
  registerRetryLinkPages(routes);
  registerVerifyPages(routes);
  registerSmsSigninPage(routes);
  registerLostFactorPage(routes);
  registerRecoveryPages(routes);
  registerResetPasswordPages(routes);
  registerSecureAccountPages(routes);
  registerAccountPages(routes);
  registerSecurityPages(routes);
  registerActivityPage(routes);
  registerNamePage(routes);
  registerContactPages(routes);
  registerPasswordPage(routes);
  registerStepUpPage(routes);
  registerPasskeyPages(routes);
  registerTwoStepPages(routes);
  registerOrderPages(routes);
  registerCardPages(routes);
  registerAddressPages(routes);
}
