import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';
import type { Deps } from '../../../platform/context.js';
import { csrfToken, verifyCsrf } from '../../../platform/http/csrf.js';
import { CsrfField, ErrorSummary, Field } from '../../../platform/web/forms.js';
import { checkCard, checkCardNumber, lastFour, NAME_MAX, type CardFieldErrors, type EnteredCard } from './card-checks.js';
import { SANDBOX_SETUP_PATH } from './sandbox-gateway.js';
import { issueToken, openSetup, type SandboxSetup } from './sandbox-tokens.js';
import { TEST_CARDS } from './test-cards.js';
import { optionalQueryValue } from '../../../platform/http/query.js';

/**
 * The sandbox gateway's own card-entry page. It stands where a real gateway's hosted page would: the card number
 * and security code are typed here, checked here, turned into a token here, and only the token goes back to
 * Custos. The number and code are never written back into the page — after a mistake they are typed again (the
 * last 4 may be shown) — and never logged: Fastify logs no bodies, and the way back carries only the token.
 */
export function registerSandboxGatewayPages(app: FastifyInstance, deps: Deps): void {
  app.get(`${SANDBOX_SETUP_PATH}/:setupId`, async (request, reply) => {
    const setup = liveSetup(deps, request, optionalQueryValue(request.query, 'session', 2000) ?? '');
    if (!setup) return renderUnavailable(reply);
    return renderEntry(request, reply, deps, setup.sealed, setup.setup, {}, { expiry: '', name: '' });
  });

  app.post(`${SANDBOX_SETUP_PATH}/:setupId`, async (request, reply) => {
    verifyCsrf(request, deps.config);
    const setup = liveSetup(deps, request, formValue(request, 'session', 2000));
    if (!setup) return renderUnavailable(reply);
    const entered: EnteredCard = {
      number: formValue(request, 'number', 40),
      expiry: formValue(request, 'expiry', 20),
      cvc: formValue(request, 'cvc', 10),
      name: formValue(request, 'name', NAME_MAX * 4),
    };
    const checked = checkCard(entered, deps.clock.now());
    if (!checked.ok) {
      const number = checkCardNumber(entered.number);
      const echo = { expiry: entered.expiry, name: entered.name, last4: 'digits' in number ? lastFour(number.digits) : undefined };
      return renderEntry(request, reply, deps, setup.sealed, setup.setup, checked.errors, echo, 400);
    }
    const token = issueToken(deps.config.keys, checked.card, setup.setup.reference);
    return reply.redirect(backToService(setup.setup, { token }), 303);
  });
}

/** The sealed setup session, if it is genuine, for this setup id and not expired. */
function liveSetup(deps: Deps, request: FastifyRequest, sealed: string): { sealed: string; setup: SandboxSetup } | null {
  const setup = sealed ? openSetup(deps.config.keys, sealed) : null;
  const setupId = (request.params as { setupId?: string }).setupId;
  if (!setup || setup.reference !== setupId || setup.expiresAt <= deps.clock.now()) return null;
  return { sealed, setup };
}

function backToService(setup: SandboxSetup, result: { token: string } | { cancelled: true }): string {
  const url = new URL(setup.returnUrl);
  url.searchParams.set('setup', setup.reference);
  if ('token' in result) url.searchParams.set('token', result.token);
  else url.searchParams.set('cancelled', '1');
  return url.toString();
}

function renderEntry(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Deps,
  sealed: string,
  setup: SandboxSetup,
  errors: CardFieldErrors,
  echo: { expiry: string; name: string; last4?: string },
  status = 200,
): FastifyReply {
  const action = `${SANDBOX_SETUP_PATH}/${encodeURIComponent(setup.reference)}`;
  const retype = echo.last4 && !errors.number ? `You entered a card ending in ${echo.last4}. For your security, type the number again.` : undefined;
  return sendDocument(reply, status, 'Enter your card details', (
    <>
      <ErrorSummary errors={orderErrors(errors)} />
      <section class="card narrow">
        <h1>Enter your card details</h1>
        <p class="hint">Your card details go to the payment gateway only. The shop receives a token, never the number or security code.</p>
        <form method="post" action={action} novalidate>
          <CsrfField token={csrfToken(request, reply, deps.config)} />
          <input type="hidden" name="session" value={sealed} />
          <Field name="number" label="Card number" inputmode="numeric" autocomplete="cc-number" hint={retype} error={errors.number} spellcheck={false} maxLength={23} required />
          <Field name="expiry" label="Expiry date (MM/YY)" inputmode="numeric" autocomplete="cc-exp" value={echo.expiry} error={errors.expiry} spellcheck={false} maxLength={7} required />
          <Field name="cvc" label="Security code (CVC)" hint="3 digits on the back of the card; 4 on the front for American Express." inputmode="numeric" autocomplete="cc-csc" error={errors.cvc} spellcheck={false} maxLength={4} required />
          <Field name="name" label="Name on card" autocomplete="cc-name" value={echo.name} error={errors.name} spellcheck={false} maxLength={NAME_MAX} required />
          <div class="form-actions">
            <button type="submit" class="button">Save card</button>
            <a href={backToService(setup, { cancelled: true })}>Cancel and go back</a>
          </div>
        </form>
      </section>
      <TestCardList />
    </>
  ));
}

/** The summary lists errors in the order of the fields, so it reads like the form. */
function orderErrors(errors: CardFieldErrors): CardFieldErrors {
  return { number: errors.number, expiry: errors.expiry, cvc: errors.cvc, name: errors.name };
}

function TestCardList() {
  return (
    <section class="card narrow sandbox-test-cards" aria-labelledby="test-cards-title">
      <h2 id="test-cards-title">Test card numbers</h2>
      <p class="hint">Use any future expiry date, any name, and any 3-digit security code (4 for American Express).</p>
      <table class="sandbox-cards">
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {TEST_CARDS.map((card) => (
            <tr>
              <td>
                <code>{card.number.replace(/(\d{4})(?=\d)/g, '$1 ')}</code>
              </td>
              <td>{card.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function renderUnavailable(reply: FastifyReply): FastifyReply {
  return sendDocument(reply, 410, 'This payment page has expired', (
    <section class="card narrow">
      <h1>This payment page has expired</h1>
      <p>The link is no longer valid. Go back to the shop and start adding your card again.</p>
    </section>
  ));
}

/** The gateway's own look: not the Custos header and menu, and a banner no one can mistake for a live payment page. */
function sendDocument(reply: FastifyReply, status: number, title: string, content: ComponentChildren): FastifyReply {
  const html = renderToStaticMarkup(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · Sandbox payment page`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body class="sandbox-gateway">
        <header class="sandbox-banner" role="banner">
          <p>
            <strong>Sandbox payment page — test cards only.</strong> No real card is charged or stored. Do not enter a real card number.
          </p>
        </header>
        <main id="main" class="main">
          {content}
        </main>
      </body>
    </html>,
  );
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(`<!doctype html>${html}`);
}


/** A posted text field; anything that is not one short string (an array, a megabyte) counts as empty. */
function formValue(request: FastifyRequest, name: string, max: number): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length <= max ? value : '';
}
