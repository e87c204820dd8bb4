import { DISPUTE_REASONS, RETURN_REASONS } from './case-reasons.js';
import { DETAILS_MAX, openDispute, reportUnrecognisedOrder, requestReturn, returnRefusal, returnWindowClosesAt } from './cases.js';
import { loadOrder, type OrderDetail } from '../orders/history.js';
import { formatTime } from '../platform/format.js';
import { AppError, errors } from '../platform/errors.js';
import { Day, Money, orderIdParam } from '../orders/order-parts.js';
import { RadioGroup, SelectField, TextArea } from '../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';

/**
 * What a customer can do about an order: ask to return an item, report a problem, or say they don't recognise
 * it. Each is a page with a form (it works without JavaScript), checked again by the domain when posted.
 * "I don't recognise this order" asks for confirmation first, records the report, and then hands over to the
 * existing secure-my-account page (secure-account-pages.tsx), which explains and does the lock-down.
 */
const SECURE_ACCOUNT_PAGE = '/account/secure';

export function registerOrderCasePages(routes: PageRoutes): void {
  routes.get('/orders/:id/return', signedIn, async (page) => renderReturn(page, await ownOrder(page), page.query('item') ?? '', NO_PROBLEM));
  routes.post('/orders/:id/return', signedIn, async (page) => {
    const order = await ownOrder(page);
    const item = page.field('item', 100);
    const quantity = page.field('quantity', 10);
    try {
      await requestReturn(page.deps, page.session.accountId, order.id, {
        itemId: item,
        quantity: /^\d{1,6}$/.test(quantity) ? Number(quantity) : Number.NaN,
        reason: page.field('reason', 40),
        details: page.field('details', DETAILS_MAX * 4),
      });
    } catch (error) {
      return renderReturn(page, order, item, page.problem(error));
    }
    return page.redirect(`/orders/${order.id}?notice=return`);
  });

  routes.get('/orders/:id/problem', signedIn, async (page) => renderProblem(page, await ownOrder(page), NO_PROBLEM));
  routes.post('/orders/:id/problem', signedIn, async (page) => {
    const order = await ownOrder(page);
    try {
      await openDispute(page.deps, page.session.accountId, order.id, { reason: page.field('reason', 40), details: page.field('details', DETAILS_MAX * 4) });
    } catch (error) {
      return renderProblem(page, order, page.problem(error));
    }
    return page.redirect(`/orders/${order.id}?notice=dispute`);
  });

  routes.get('/orders/:id/not-recognised', signedIn, async (page) => renderNotRecognised(page, await ownOrder(page), NO_PROBLEM));
  routes.post('/orders/:id/not-recognised', signedIn, async (page) => {
    const order = await ownOrder(page);
    try {
      await reportUnrecognisedOrder(page.deps, page.session.accountId, order.id, { details: page.field('details', DETAILS_MAX * 4) }, page.info);
    } catch (error) {
      // Reported already (another tab, a double click): the report stands, and securing the account is still next.
      if (!(error instanceof AppError && error.code === 'order.case_already_open')) return renderNotRecognised(page, order, page.problem(error));
    }
    return page.redirect(SECURE_ACCOUNT_PAGE);
  });
}

/** The order of the path, on this customer's account, or the 404 page (ASVS 8.2.2). */
async function ownOrder(page: SignedInPage): Promise<OrderDetail> {
  return loadOrder(page.deps, page.session.accountId, orderIdParam(page));
}

function OrderHeading({ order, title }: { order: OrderDetail; title: string }) {
  return (
    <>
      <BackLink href={`/orders/${order.id}`}>Order details</BackLink>
      <h1>{title}</h1>
      <p class="muted">
        Order # <span class="identifier">{order.number}</span> · placed <Day at={order.placedAt} /> · <Money amount={order.total} currency={order.currency} />
      </p>
    </>
  );
}

function renderReturn(page: SignedInPage, order: OrderDetail, itemId: string, problem: FormProblem) {
  const item = order.items.find((candidate) => candidate.id === itemId);
  if (!item) throw errors.notFound('item');
  const left = item.quantity - item.inReturns;
  const closesAt = returnWindowClosesAt(page.deps.config, order);
  // The same refusals, in the same words, as posting the form would give (cases.ts, errors.ts).
  const refusal = returnRefusal(page.deps, order) ?? (left <= 0 ? errors.nothingLeftToReturn() : null);
  if (refusal) {
    const why = problem.message ?? refusal.message;
    return page.render(
      { title: 'Return or refund item' },
      <section class="card narrow">
        <OrderHeading order={order} title="This item can't be returned" />
        <p>{why}</p>
        <p>
          <a href={`/orders/${order.id}/problem`}>Report a problem with this order</a>
        </p>
      </section>,
      problem.status === 200 ? 409 : problem.status,
    );
  }
  const quantities = Array.from({ length: Math.min(left, 99) }, (_, index): [string, string] => [String(index + 1), String(index + 1)]);
  return page.render(
    { title: 'Return or refund item' },
    <section class="card narrow">
      <OrderHeading order={order} title="Return or refund item" />
      <Problem problem={problem} />
      <p>
        <strong>{item.title}</strong> — you bought {item.quantity}
        {item.inReturns > 0 ? `, ${item.inReturns} already in a return` : ''}. You can ask until {closesAt !== null ? formatTime(closesAt) : ''}.
      </p>
      <PostForm action={`/orders/${order.id}/return`} csrf={page.csrf}>
        <input type="hidden" name="item" value={item.id} />
        <SelectField name="quantity" label="How many are you returning?" options={quantities} value={page.echo('quantity', 10) || '1'} error={problem.fields.quantity} />
        <RadioGroup name="reason" legend="Why are you returning it?" options={RETURN_REASONS} value={page.echo('reason', 40)} error={problem.fields.reason} />
        <TextArea name="details" label="Anything the store should know? (optional)" value={page.echo('details', DETAILS_MAX * 4)} error={problem.fields.details} maxLength={DETAILS_MAX} />
        <button type="submit" class="button">Request return</button>
      </PostForm>
    </section>,
    problem.status,
  );
}

function renderProblem(page: SignedInPage, order: OrderDetail, problem: FormProblem) {
  return page.render(
    { title: 'Problem with order' },
    <section class="card narrow">
      <OrderHeading order={order} title="Problem with order" />
      <Problem problem={problem} />
      <p>Tell the store what went wrong. It sees your report straight away and answers here, on the order.</p>
      <PostForm action={`/orders/${order.id}/problem`} csrf={page.csrf}>
        <RadioGroup name="reason" legend="What went wrong?" options={DISPUTE_REASONS} value={page.echo('reason', 40)} error={problem.fields.reason} />
        <TextArea name="details" label="Tell us more" hint="Required if you chose “Something else”." value={page.echo('details', DETAILS_MAX * 4)} error={problem.fields.details} maxLength={DETAILS_MAX} />
        <button type="submit" class="button">Send to the store</button>
      </PostForm>
    </section>,
    problem.status,
  );
}

function renderNotRecognised(page: SignedInPage, order: OrderDetail, problem: FormProblem) {
  return page.render(
    { title: "I don't recognise this order" },
    <section class="card narrow">
      <OrderHeading order={order} title="Don't recognise this order?" />
      <Problem problem={problem} />
      <p>If you didn't place this order, someone else may be using your account. When you confirm:</p>
      <ul class="secure-steps">
        <li>we tell the store you don't recognise it, so it can stop or investigate it;</li>
        <li>the order is marked as reported on your account;</li>
        <li>we take you to secure your account, where you can sign out every device and switch off your password.</li>
      </ul>
      <PostForm action={`/orders/${order.id}/not-recognised`} csrf={page.csrf}>
        <TextArea name="details" label="Anything the store should know? (optional)" value={page.echo('details', DETAILS_MAX * 4)} error={problem.fields.details} maxLength={DETAILS_MAX} />
        <p class="actions">
          <button type="submit" class="button danger">Yes, report this order</button>
          <a href={`/orders/${order.id}`}>No, go back to the order</a>
        </p>
      </PostForm>
    </section>,
    problem.status,
  );
}
