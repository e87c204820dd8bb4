import { SelectField, TextArea } from '../platform/web/forms.js';
import { PostForm } from '../platform/web/page-parts.js';
import type { FormProblem } from '../platform/web/page-routes.js';
import { DISPUTE_REASONS } from '../cases/case-reasons.js';
import { CASE_DECISIONS } from '../cases/case-decision.js';
import { openCaseForCustomer, decideCaseForCustomer } from './case-actions.js';
import { markContactLost, resendVerification } from './contact-actions.js';
import type { CustomerRecord } from './customer-view.js';
import type { StaffPage } from './search-page.js';

/**
 * The customer page's remaining actions as forms: resend a confirmation code, mark a contact lost, open a dispute
 * or fraud report, decide an open case. Returns (which name an item) are opened through the API. The routes
 * reuse the page's `act` helper (customer-page.tsx), so a refusal re-renders the customer page with the problem.
 */
type Act = (path: string, done: string, action: (page: StaffPage, accountId: string) => Promise<unknown>) => void;

export const MORE_DONE: Record<string, string> = {
  resent: 'The confirmation code was sent again.',
  lost: 'The contact was removed; the customer was told at their other contacts.',
  case: 'The case was opened.',
  decided: 'The case was decided; the customer was emailed.',
};

export function registerMoreActions(act: Act): void {
  act('resend-verification', 'resent', (page, id) => resendVerification(page.deps, page.staff, id, page.field('kind', 10) === 'phone' ? 'phone' : 'email', page.info));
  act('contact-lost', 'lost', (page, id) => markContactLost(page.deps, page.staff, id, page.field('contact', 64)));
  act('cases', 'case', (page, id) =>
    openCaseForCustomer(page.deps, page.staff, id, {
      kind: page.field('kind', 20) === 'fraud_report' ? 'fraud_report' : 'dispute',
      order: page.field('order', 40),
      reason: page.field('reason', 40),
      details: page.field('details', 8000),
    }, page.info));
  act('decide', 'decided', (page, id) => decideCaseForCustomer(page.deps, page.staff, id, page.field('case', 64), { decision: page.field('decision', 20), resolution: page.field('resolution', 8000) }));
}

export function MoreActions({ page, record, problem }: { page: StaffPage; record: CustomerRecord; problem: FormProblem }) {
  const base = `/support/customers/${record.id}`;
  const open = record.cases.filter((c) => c.status === 'open');
  return (
    <>
      <h2>Contacts and confirmations</h2>
      <div class="form-actions">
        {(['email', 'phone'] as const).map((kind) => (
          <PostForm action={`${base}/resend-verification`} csrf={page.csrf}>
            <input type="hidden" name="kind" value={kind} />
            <button type="submit" class="button secondary">Resend the {kind} confirmation code</button>
          </PostForm>
        ))}
        {record.contacts.map((c) => (
          <PostForm action={`${base}/contact-lost`} csrf={page.csrf}>
            <input type="hidden" name="contact" value={c.id} />
            <button type="submit" class="button danger">Mark {c.value} as lost</button>
          </PostForm>
        ))}
      </div>
      <h2>Open a case for the customer</h2>
      <PostForm action={`${base}/cases`} csrf={page.csrf}>
        <SelectField name="kind" label="Kind" options={[['dispute', 'Problem with an order (dispute)'], ['fraud_report', 'Order not recognised (fraud report)']]} value="dispute" />
        <SelectField name="order" label="Order" options={record.orders.map((o) => [o.number, o.number] as const)} value="" error={problem.fields.order} />
        <SelectField name="reason" label="What went wrong (disputes)" options={Object.entries(DISPUTE_REASONS)} value="other" error={problem.fields.reason} />
        <TextArea name="details" label="Details" value="" error={problem.fields.details} maxLength={2000} />
        <div class="form-actions"><button type="submit" class="button">Open the case</button></div>
      </PostForm>
      {open.length === 0 ? null : (
        <>
          <h2>Decide an open case</h2>
          <PostForm action={`${base}/decide`} csrf={page.csrf}>
            <SelectField name="case" label="Case" options={open.map((c) => [c.id, `${c.order}: ${c.kind} (${c.reason})`] as const)} value="" />
            <SelectField name="decision" label="Decision" options={CASE_DECISIONS.map((d) => [d, d] as const)} value="resolved" error={problem.fields.decision} />
            <TextArea name="resolution" label="What the customer reads" value="" error={problem.fields.resolution} maxLength={2000} />
            <div class="form-actions"><button type="submit" class="button">Decide</button></div>
          </PostForm>
        </>
      )}
    </>
  );
}
