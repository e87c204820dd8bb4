import { formatTime } from '../platform/format.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { staffSignedIn } from '../staff/staff-guard.js';
import { fraudView, type MaskedCustomer } from './fraud-view.js';
import { listStaffActions } from './actions-audit.js';

/**
 * /support/fraud (fraud.view) and /support/staff-actions (staff.audit): lists to read, each customer linking to
 * their page, where the caller check and the actions are. Masked here, whatever windows the reader holds.
 */
export function registerOversightPages(routes: PageRoutes): void {
  routes.get('/support/fraud', staffSignedIn, async (page) => {
    const view = await fraudView(page.deps, page.staff);
    return page.render(
      { title: 'Fraud view', wide: true },
      <>
        <h1 class="page-title">Fraud view</h1>
        <Rows caption="Open fraud reports and disputes" head={['Customer', 'Kind', 'Order', 'Opened']}
          rows={view.cases.map((c) => ({ customer: c.customer, cells: [c.kind === 'fraud_report' ? 'Order not recognised' : `Dispute (${c.reason})`, c.order, `${formatTime(c.createdAt)}${c.openedBySupport ? ' by support' : ''}`] }))} />
        <Rows caption={'Secured by "This wasn\'t me" (30 days)'} head={['Customer', 'Secured']}
          rows={view.secured.map((s) => ({ customer: s.customer, cells: [formatTime(s.at)] }))} />
        <Rows caption="Under guessing attacks (last day)" head={['Customer', 'Failed tries', 'What', 'Blocked now', 'Last']}
          rows={view.guessing.map((g) => ({ customer: g.customer, cells: [String(g.failures), g.scopes.join(', '), g.blocked ? 'yes' : 'no', formatTime(g.lastAt)] }))} />
        {/* Attacker text: quoted, so it never reads as ours, and escaped like every value (preact). */}
        <Rows caption="Reported suspicious messages (30 days)" head={['Reporter', 'Channel', 'Claimed sender', 'Message', 'Reference', 'Reported']}
          rows={view.reports.map((r) => ({ customer: r.customer, cells: [r.channel, r.sender ? `“${r.sender}”` : '—', `“${r.excerpt}”`, r.reference ? `${r.reference} (${r.referenceIsOurs ? 'ours' : 'not ours'})` : '—', formatTime(r.at)] }))} />
      </>,
    );
  });

  routes.get('/support/staff-actions', staffSignedIn, async (page) => {
    const staffId = page.query('staff', 64);
    const result = await listStaffActions(page.deps, page.staff, { staffId, before: page.query('before', 200) });
    const base = staffId ? `/support/staff-actions?staff=${encodeURIComponent(staffId)}&` : '/support/staff-actions?';
    return page.render(
      { title: 'Staff actions on customers', wide: true },
      <>
        <h1 class="page-title">Staff actions on customers</h1>
        {staffId ? <p><a href="/support/staff-actions">All staff</a></p> : null}
        {result.actions.length === 0 ? <p role="status">No actions.</p> : (
          <div class="table-scroll" role="region" aria-labelledby="actions-caption" tabindex={0}>
            <table>
              <caption id="actions-caption">Newest first</caption>
              <thead><tr><th scope="col">When</th><th scope="col">Staff</th><th scope="col">Action</th><th scope="col">Ticket</th><th scope="col">Customer</th></tr></thead>
              <tbody>
                {result.actions.map((a) => (
                  <tr>
                    <th scope="row">{formatTime(a.at)}</th>
                    <td>{a.staffId ? <a href={`/support/staff-actions?staff=${encodeURIComponent(a.staffId)}`}>{a.staffName ?? ''}</a> : '—'}</td>
                    <td>{a.type.replace(/^support\./, '')} {Object.entries(a.detail).map(([k, v]) => `${k}: ${v}`).join(', ')}</td>
                    <td>{a.ticket ?? '—'}</td>
                    <td>{a.customerId ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {result.next ? <p><a href={`${base}before=${encodeURIComponent(result.next)}`} rel="next">Older actions</a></p> : null}
      </>,
    );
  });
}

function Rows(props: { caption: string; head: string[]; rows: Array<{ customer: MaskedCustomer; cells: string[] }> }) {
  if (props.rows.length === 0) return <p><strong>{props.caption}:</strong> none.</p>;
  const id = `${props.caption.toLowerCase().replace(/[^a-z]+/g, '-')}caption`;
  return (
    <div class="table-scroll" role="region" aria-labelledby={id} tabindex={0}>
      <table>
        <caption id={id}>{props.caption}</caption>
        <thead><tr>{props.head.map((h) => <th scope="col">{h}</th>)}</tr></thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <th scope="row"><a href={`/support/customers/${row.customer.id}`}>{row.customer.name}</a> <span class="identifier">{row.customer.contacts.join(' ')}</span> ({row.customer.status})</th>
              {row.cells.map((cell) => <td>{cell}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
