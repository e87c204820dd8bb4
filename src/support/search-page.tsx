import { Field } from '../platform/web/forms.js';
import { Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type GuardedPage, type PageRoutes } from '../platform/web/page-routes.js';
import { staffSignedIn, type StaffMember } from '../staff/staff-guard.js';
import { searchCustomers, type FoundCustomer } from './search.js';

export type StaffPage = GuardedPage<{ staff: StaffMember }>;

/**
 * /support/customers: one search box (access key S), results as a table whose first cell links to the customer.
 * A GET form, so a search is a link and the back button works; contacts stay masked until the caller is checked.
 */
export function registerSupportSearchPage(routes: PageRoutes): void {
  routes.get('/support/customers', staffSignedIn, async (page) => {
    const q = page.query('q', 254);
    if (q === undefined || q.trim() === '') return renderSearch(page, NO_PROBLEM, '', null);
    try {
      const found = await searchCustomers(page.deps, page.staff, q);
      return renderSearch(page, NO_PROBLEM, q, found.customers);
    } catch (error) {
      return renderSearch(page, page.problem(error), q, null);
    }
  });
}

function renderSearch(page: StaffPage, problem: FormProblem, q: string, customers: FoundCustomer[] | null) {
  return page.render(
    { title: 'Find a customer', wide: true },
    <>
      <h1 class="page-title">Find a customer</h1>
      <Problem problem={problem} />
      <form method="get" action="/support/customers" role="search" novalidate>
        <Field name="q" label="Email address, phone number or order number" value={q} error={problem.fields.q} spellcheck={false} autocapitalize="none" autofocus hint="Access key S jumps here." />
        <div class="form-actions">
          <button type="submit" class="button" accessKey="s">Search</button>
        </div>
      </form>
      {customers === null ? null : customers.length === 0 ? (
        <p role="status">No customer has that verified email address, phone number or order.</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby="results-caption" tabindex={0}>
          <table>
            <caption id="results-caption">Results</caption>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col">Contacts on file</th>
                <th scope="col">Caller</th>
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <tr>
                  <th scope="row">
                    <a href={`/support/customers/${c.id}`}>{c.name}</a>
                  </th>
                  <td>{c.status}</td>
                  <td>{c.contacts.map((contact) => <span class="identifier">{contact.shown} </span>)}</td>
                  <td>{c.verified ? 'Verified by you' : 'Not verified'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>,
    problem.status,
  );
}
