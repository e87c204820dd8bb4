import type { PageRoutes } from '../platform/web/page-routes.js';
import { registerCheckPages } from './check-pages.js';
import { registerSupportCustomerPage } from './customer-page.js';
import { registerSupportSearchPage } from './search-page.js';
import { registerRecoveryPublicPages } from './recovery/public-pages.js';
import { registerRecoveryStaffPages } from './recovery/staff-pages.js';
import { registerOversightPages } from './oversight-pages.js';

/** The support console's pages, for staff only — except a supervised recovery's two links (recovery/public-pages.tsx). */
export function registerSupportPages(routes: PageRoutes): void {
  registerSupportSearchPage(routes);
  registerCheckPages(routes);
  registerSupportCustomerPage(routes);
  registerRecoveryStaffPages(routes);
  registerRecoveryPublicPages(routes);
  registerOversightPages(routes);
}
