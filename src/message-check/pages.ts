import type { PageRoutes } from '../platform/web/page-routes.js';
import { registerCheckPage } from './check-page.js';
import { registerMessagesPage } from './messages-page.js';
import { registerPhrasePage } from './phrase-page.js';
import { registerReportPage } from './report-page.js';

/** "Is this message really from us?": the public check page, and the customer's messages, phrase and reports. */
export function registerMessageCheckPages(routes: PageRoutes): void {
  registerCheckPage(routes);
  registerMessagesPage(routes);
  registerPhrasePage(routes);
  registerReportPage(routes);
}
