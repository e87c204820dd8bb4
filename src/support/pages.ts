import type { PageRoutes } from '../platform/web/page-routes.js';
import { registerCheckPages } from './check-pages.js';
import { registerSupportCustomerPage } from './customer-page.js';
import { registerSupportSearchPage } from './search-page.js';
import { registerOversightPages } from './oversight-pages.js';

/** The support console's pages, for staff only. */
export function registerSupportPages(routes: PageRoutes): void {
  registerSupportSearchPage(routes);
  registerCheckPages(routes);
  registerSupportCustomerPage(routes);
  registerOversightPages(routes);
}
