import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { Deps } from '../platform/context.js';
import { PageRoutes } from '../platform/web/page-routes.js';
import { signedInOrNot } from '../sessions/guards.js';
import { customerChrome } from '../accounts/customer-chrome.js';
import { registerAppsPage } from './apps-page.js';
import { registerPartnerSigninPages } from './oidc/signin-pages.js';

/** The customer's pages about partner sites: signing in to one, and the list of those they allowed. */
export function registerPartnerPages(fastify: FastifyInstance, deps: Deps, provider: Provider): void {
  const routes = new PageRoutes(fastify, deps, signedInOrNot, customerChrome);
  registerPartnerSigninPages(routes, provider);
  registerAppsPage(routes);
}
