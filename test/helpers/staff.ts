import { newId } from '../../src/platform/crypto.js';
import type { StaffRole } from '../../src/staff/roles.js';
import { staffToken } from '../../src/staff/staff-guard.js';
import type { TestApp } from './app.js';

/** An active member of staff with a live session, for tests of console routes. */
export async function staffSession(t: TestApp, input: { role: StaffRole; name?: string; email?: string }): Promise<{ staffId: string; token: string }> {
  const staffId = newId();
  const now = t.clock.now();
  await t.app.deps.db
    .insertInto('staff')
    .values({
      id: staffId,
      email: input.email ?? `${staffId.toLowerCase()}@staff.example.com`,
      name: input.name ?? 'Sam Agent',
      role: input.role,
      status: 'active',
      password_hash: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { staffId, token: staffToken(t.config.secret, staffId) };
}
