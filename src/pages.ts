import type { FastifyInstance } from 'fastify';
import type { Deps } from './platform/context.js';
import type { Greeting, Guard } from './platform/http/guard.js';
import { registerAccountPages } from './settings/account-pages.js';
import { registerCardPages } from './wallet/cards/card-pages.js';
import { registerAddressPages } from './wallet/addresses/address-pages.js';
import { registerActivityPage } from './activity/activity-page.js';
import { registerContactPages } from './settings/contact-pages.js';
import { registerHomePage } from './accounts/home-page.js';
import { registerLostFactorPage } from './recovery/lost-factor-page.js';
import { registerNamePage } from './settings/name-page.js';
import { registerOrderPages } from './orders/order-pages.js';
import { registerPasswordPage } from './settings/password-page.js';
import { PageRoutes } from './platform/web/page-routes.js';
import { registerPasskeyPages } from './methods/passkey/passkey-pages.js';
import { registerRecoveryPages } from './recovery/recovery-pages.js';
import { registerResetPasswordPages } from './recovery/reset-password-pages.js';
import { registerSecureAccountPages } from './recovery/secure-account-pages.js';
import { registerSecurityPages } from './settings/security-pages.js';
import { registerSigninPages } from './signin/signin-pages.js';
import { registerRetryLinkPages } from './signin/retry-link-pages.js';
import { registerSignupLinkPages } from './signup/signup-link-pages.js';
import { registerSignupPages } from './signup/signup-pages.js';
import { registerSmsSigninPage } from './signin/sms-signin-page.js';
import { registerClaimConfirmPage } from './signin/claim-confirm-page.js';
import { registerStepUpPage } from './signin/step-up-page.js';
import { registerTwoStepPages } from './methods/two-step-pages.js';
import { registerVerifyPages } from './signin/verify-pages.js';
import { registerStaffSigninPages } from './staff/signin-pages.js';
import { registerStaffPages } from './staff/staff-pages.js';
import { registerSupportPages } from './support/pages.js';
import { registerPayPages } from './checkout/pay-page.js';
import { registerMessageCheckPages } from './message-check/pages.js';
import { registerDataPages } from './data-export/data-pages.js';
import { registerClosePages } from './closing/close-pages.js';
import { registerReopenPages } from './closing/reopen-pages.js';
import { registerMergePages } from './merging/merge-pages.js';
import { registerMergeSupportPages } from './merging/support-merges.js';
import { customerChrome } from './accounts/customer-chrome.js';
import { consoleChrome } from './staff/console-chrome.js';

/**
 * The pages, server-rendered and working without JavaScript: the customer's, then the support console's, each
 * area in its own chrome. Each file registers one journey; each route names its access where it is declared:
 * anyone, or a guard (signed in, a recent password confirmation, a staff member).
 */
export function registerPages(app: FastifyInstance, deps: Deps, visitor: Guard<Greeting>): void {
  const routes = new PageRoutes(app, deps, visitor, customerChrome);
  registerHomePage(routes);
  registerSignupPages(routes);
  registerSignupLinkPages(routes);
  registerSigninPages(routes);
  registerRetryLinkPages(routes);
  registerVerifyPages(routes);
  registerSmsSigninPage(routes);
  registerClaimConfirmPage(routes);
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
  registerPayPages(routes);
  registerMessageCheckPages(routes);
  registerDataPages(routes);
  registerClosePages(routes);
  registerReopenPages(routes);
  registerMergePages(routes);
  const supportConsole = new PageRoutes(app, deps, visitor, consoleChrome(deps.config.storeName));
  registerStaffSigninPages(supportConsole);
  registerStaffPages(supportConsole);
  registerSupportPages(supportConsole);
  registerMergeSupportPages(supportConsole);
}
