import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/context.js';
import { registerAccountPages } from './account-pages.js';
import { registerActivityPage } from './activity-page.js';
import { registerContactPages } from './contact-pages.js';
import { registerHomePage } from './home-page.js';
import { registerNamePage } from './name-page.js';
import { registerPasswordPage } from './password-page.js';
import { PageRoutes } from './page-session.js';
import { registerSecurityPages } from './security-pages.js';
import { registerSigninPages } from './signin-pages.js';
import { registerSignupLinkPages } from './signup-link-pages.js';
import { registerSignupPages } from './signup-pages.js';
import { registerStepUpPage } from './step-up-page.js';

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
  registerAccountPages(routes);
  registerSecurityPages(routes);
  registerActivityPage(routes);
  registerNamePage(routes);
  registerContactPages(routes);
  registerPasswordPage(routes);
  registerStepUpPage(routes);
}
