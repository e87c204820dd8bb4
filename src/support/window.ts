import type { Deps } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import type { Permission } from '../staff/roles.js';
import { requirePermission, type StaffMember } from '../staff/staff-guard.js';
import { openWindowOf, type OpenWindow } from './store.js';

/**
 * Seeing or changing a customer needs the permission and this agent's own open window on that customer: a
 * window is bound to the agent who checked the caller, so a colleague (or a stolen console session that did not
 * check this caller) sees the masked search result and nothing more.
 */
export async function requireWindow(deps: Deps, staff: StaffMember, accountId: string, permission: Permission): Promise<OpenWindow> {
  requirePermission(staff, permission);
  const window = await openWindowOf(deps.db, staff.id, accountId, deps.clock.now());
  if (!window) throw new AppError(403, 'support.caller_not_verified', 'Check who is calling first: send a code to a contact on file and type what they read back.');
  return window;
}
