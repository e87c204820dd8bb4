import { api, lastMessageTo, type JsonResponse, type TestApp } from '../helpers/app.js';
import { staffSession } from '../helpers/staff.js';
import { EMAIL, PHONE, seedCustomer, type Seeded } from './support-fixtures.js';
import { runRecoveryJob } from '../../src/support/recovery/finish.js';

/** A seeded customer, an agent and two supervisors, and the evidence that matches the customer's history. */
export const NEW_EMAIL = 'ada.new@example.net';

export interface RecoveryScene {
  customer: Seeded;
  agent: { staffId: string; token: string };
  supervisor: { staffId: string; token: string };
  otherSupervisor: { staffId: string; token: string };
}

export async function recoveryScene(t: TestApp): Promise<RecoveryScene> {
  const customer = await seedCustomer(t);
  return {
    customer,
    agent: await staffSession(t, { role: 'agent' }),
    supervisor: await staffSession(t, { role: 'supervisor' }),
    otherSupervisor: await staffSession(t, { role: 'supervisor' }),
  };
}

export function evidenceOf(s: RecoveryScene, overrides: Partial<Record<'order_number' | 'order_amount' | 'postcode', string>> = {}) {
  return { order_number: s.customer.order.number, order_amount: '42.50', postcode: '62704', ...overrides };
}

export function call(t: TestApp, token: string | undefined, method: 'GET' | 'POST', url: string, body?: unknown): Promise<JsonResponse> {
  return api(t, method, url, { token, body, ip: '192.0.2.77' });
}

export async function startOne(t: TestApp, s: RecoveryScene, by = s.agent.token): Promise<string> {
  const started = await call(t, by, 'POST', `/api/support/v1/customers/${s.customer.accountId}/recoveries`, { ticket: 'T-2001', new_email: NEW_EMAIL, evidence: evidenceOf(s) });
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  return started.body.recovery.id;
}

export async function approveOne(t: TestApp, s: RecoveryScene): Promise<string> {
  const id = await startOne(t, s);
  const approved = await call(t, s.supervisor.token, 'POST', `/api/support/v1/recoveries/${id}/approve`, {});
  if (approved.status !== 200) throw new Error(`approve failed: ${JSON.stringify(approved.body)}`);
  return id;
}

export function tokenIn(text: string, path: 'cancel' | 'finish'): string {
  const match = new RegExp(`/support/recoveries/${path}\\?token=([\\w%-]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in ${text}`);
  return decodeURIComponent(match[1]!);
}

export async function cancelTokenFor(t: TestApp, to = EMAIL): Promise<string> {
  return tokenIn((await lastMessageTo(t, to))!.text_body, 'cancel');
}

/** Waits the full period out and runs the job as the runner would; the finish token sent to the new address. */
export async function waitAndSendLink(t: TestApp, hours = 72): Promise<string> {
  t.clock.advance(hours * 3_600_000);
  await runRecoveryJob(t.app.deps);
  return tokenIn((await lastMessageTo(t, NEW_EMAIL))!.text_body, 'finish');
}

export { EMAIL, PHONE };
