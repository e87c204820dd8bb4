import { expect } from 'vitest';
import type { App } from '../../../src/app.js';
import { api, type TestApp } from '../../helpers/app.js';
import { signUpFrom } from '../../helpers/fixtures.js';
import { Browser } from '../../helpers/browser.js';

/**
 * Helpers for the payment-method tests: a signed-in customer with a billing address, and a pretend customer
 * typing a card on the sandbox gateway's own page (with that page's cookies and form token), as a browser would.
 */
export const BILLING = { full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'California', postal_code: '94103', country: 'US' };

/** The test clock starts on 15 January 2026; 12/30 is years away. */
export const GOOD_EXPIRY = '12/30';

export interface CardEntry {
  number: string;
  expiry?: string;
  cvc?: string;
  name?: string;
}

export async function customerWithAddress(t: TestApp, email: string): Promise<{ token: string; accountId: string; addressId: string }> {
  const { token, accountId } = await signUpFrom(t, { email, name: 'Ada Lovelace' });
  const address = await api(t, 'POST', '/api/v1/addresses', { token, body: BILLING });
  expect(address.status, JSON.stringify(address.body)).toBe(201);
  return { token, accountId, addressId: address.body.address.id };
}

/** The path and query of an absolute URL we issued (the tests talk to the app through inject). */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

export interface SandboxAnswer {
  status: number;
  body: string;
  location?: string;
  /** From the way back to Custos, when the page accepted the card. */
  token?: string;
  setup?: string;
}

/** Opens the gateway page and submits the card on it. */
export async function enterCard(app: App, gatewayUrl: string, card: CardEntry, browser = new Browser(app)): Promise<SandboxAnswer> {
  const form = await browser.get(pathOf(gatewayUrl));
  expect(form.status, form.body).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(form.body)?.[1];
  const session = /name="session" value="([^"]+)"/.exec(form.body)?.[1];
  expect(action).toBeTruthy();
  const answer = await browser.post(decodeHtml(action!), {
    session: decodeHtml(session!),
    number: card.number,
    expiry: card.expiry ?? GOOD_EXPIRY,
    cvc: card.cvc ?? (card.number.startsWith('3') && card.number.length === 15 ? '7341' : '681'),
    name: card.name ?? 'Ada Lovelace',
  });
  const back = answer.location ? new URL(answer.location) : undefined;
  return {
    status: answer.status,
    body: answer.body,
    location: answer.location,
    token: back?.searchParams.get('token') ?? undefined,
    setup: back?.searchParams.get('setup') ?? undefined,
  };
}

/** Start a setup through the API, type the card on the gateway page, and finish through the API. */
export async function addCardByApi(t: TestApp, token: string, card: CardEntry, body: object = {}) {
  const setup = await api(t, 'POST', '/api/v1/cards/setups', { token, body });
  expect(setup.status, JSON.stringify(setup.body)).toBe(201);
  const entered = await enterCard(t.app, setup.body.gateway_url, card);
  expect(entered.status, entered.body).toBe(303);
  return api(t, 'POST', '/api/v1/cards', { token, body: { setup_id: setup.body.setup_id, token: entered.token } });
}

function decodeHtml(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
