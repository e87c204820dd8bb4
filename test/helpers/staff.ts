import { STRONG_PASSWORD, type TestApp } from './app.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { createStaff } from '../../src/staff/members.js';
import type { StaffRole } from '../../src/staff/roles.js';
import { completeStaffSetup, startStaffSetup } from '../../src/staff/setup.js';
import { openStaffSession } from '../../src/staff/session-store.js';

/** A staff member created from the shell and set up through their link, with their password and authenticator key. */
export interface SetUpStaff {
  staffId: string;
  email: string;
  password: string;
  /** The authenticator key (base32): `totpCodeAt(key, t.clock.now())` is their current code. */
  totpKey: string;
}

let made = 0;

export function setupToken(link: string): string {
  return new URL(link).searchParams.get('token')!;
}

/** An active staff member with an authenticator app; no session yet. The setup code claims this 30 s step. */
export async function setUpStaff(t: TestApp, input: { role: StaffRole; name?: string; email?: string }): Promise<SetUpStaff> {
  made += 1;
  const email = input.email ?? `${input.role}${made}.${Date.now()}@support.example`;
  const { staff, setupLink } = await createStaff(t.app.deps, { id: null, role: 'shell' }, { email, name: input.name ?? `Test ${input.role}`, role: input.role });
  const token = setupToken(setupLink);
  const { authenticator } = await startStaffSetup(t.app.deps, token);
  await completeStaffSetup(t.app.deps, { token, password: STRONG_PASSWORD, code: totpCodeAt(authenticator.key, t.clock.now()) }, '203.0.113.10');
  return { staffId: staff.id, email: staff.email, password: STRONG_PASSWORD, totpKey: authenticator.key };
}

/**
 * An active staff member with a second factor and a live staff session (12 hours, 30 minutes idle), for tests of
 * console routes: `api(t, 'GET', '/api/support/v1/…', { token })`.
 */
export async function staffSession(t: TestApp, input: { role: StaffRole; name?: string; email?: string }): Promise<{ staffId: string; token: string }> {
  const member = await setUpStaff(t, input);
  const { token } = await openStaffSession(t.app.deps, { staffId: member.staffId, stage: 'active', factors: ['password', 'totp'], ip: '203.0.113.10' });
  return { staffId: member.staffId, token };
}
