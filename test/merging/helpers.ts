import { api, lastCodeTo, STRONG_PASSWORD, type JsonResponse, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';
import { insertOrder } from '../helpers/order-fixtures.js';
import { DAY, HOUR } from '../../src/platform/clock.js';
import { insertWindow } from '../../src/support/store.js';

/** Two confirmed accounts, each with one order; A's token has a fresh step-up (it just signed up). */
export async function twoAccounts(t: TestApp, tag: string) {
  const a = await signUpFrom(t, { email: `a-${tag}@example.com`, name: 'Ada A' });
  const b = await signUpFrom(t, { email: `b-${tag}@example.com`, name: 'Ada B' });
  const orderA = await insertOrder(t, a.accountId, { placedAt: t.clock.now() - 2 * DAY });
  const orderB = await insertOrder(t, b.accountId, { placedAt: t.clock.now() - DAY });
  return { a, b, orderA, orderB, emailA: `a-${tag}@example.com`, emailB: `b-${tag}@example.com` };
}

export async function startMergeFlow(t: TestApp, token: string, identifier: string): Promise<string> {
  const started = await api(t, 'POST', '/api/v1/account/merges', { token, body: { identifier } });
  if (started.status !== 201 && started.status !== 200) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  return started.body.flow.id as string;
}

/** B has a password and no second step: its password, then the code sent to its email. The flow ends `ready`. */
export async function proveByPasswordAndEmail(t: TestApp, token: string, flowId: string, emailB: string): Promise<JsonResponse> {
  const password = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token, body: { password: STRONG_PASSWORD } });
  if (password.body?.flow?.state !== 'email_code') throw new Error(`password step: ${JSON.stringify(password.body)}`);
  return api(t, 'POST', `/api/v1/account/merges/${flowId}/email-code`, { token, body: { code: await lastCodeTo(t, emailB) } });
}

/** A flow of A's proven and ready to confirm. */
export async function readyFlow(t: TestApp, token: string, emailB: string): Promise<string> {
  const flowId = await startMergeFlow(t, token, emailB);
  const proven = await proveByPasswordAndEmail(t, token, flowId, emailB);
  if (proven.body?.flow?.state !== 'ready') throw new Error(`not ready: ${JSON.stringify(proven.body)}`);
  return flowId;
}

export function confirm(t: TestApp, token: string, flowId: string): Promise<JsonResponse> {
  return api(t, 'POST', `/api/v1/account/merges/${flowId}/confirm`, { token, body: {} });
}

/** An agent's verified-caller window on an account, as a completed caller check leaves it. */
export async function openWindow(t: TestApp, staffId: string, accountId: string): Promise<void> {
  await insertWindow(t.app.deps.db, { staffId, accountId, ticket: 'T-1', openedAt: t.clock.now(), expiresAt: t.clock.now() + HOUR });
}
