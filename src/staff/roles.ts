/**
 * Staff roles and what each may do: one table, each role holding everything the one below holds (SECURITY.md,
 * "Access control and data"). Routes ask `can`, never a role name, so a permission moves in one place.
 */
export type StaffRole = 'agent' | 'supervisor' | 'admin';

export type Permission =
  | 'customers.search'
  | 'callers.verify'
  | 'customers.view'
  | 'customers.act'
  | 'recovery.start'
  | 'recovery.approve'
  | 'fraud.view'
  | 'staff.manage'
  | 'staff.audit'
  /** Undo a customer's merge of two accounts (merging/support-undo.ts) within its window. */
  | 'merges.undo';

export const STAFF_ROLES: readonly StaffRole[] = ['agent', 'supervisor', 'admin'];

const AGENT: readonly Permission[] = ['customers.search', 'callers.verify', 'customers.view', 'customers.act', 'recovery.start', 'fraud.view'];
const SUPERVISOR: readonly Permission[] = [...AGENT, 'recovery.approve', 'merges.undo'];
const ADMIN: readonly Permission[] = [...SUPERVISOR, 'staff.manage', 'staff.audit'];

const PERMISSIONS: Record<StaffRole, ReadonlySet<Permission>> = {
  agent: new Set(AGENT),
  supervisor: new Set(SUPERVISOR),
  admin: new Set(ADMIN),
};

export function can(role: StaffRole, permission: Permission): boolean {
  return PERMISSIONS[role]?.has(permission) ?? false;
}

/** What a role may do, in the table's order: the console's home page lists it. */
export function permissionsOf(role: StaffRole): Permission[] {
  return [...PERMISSIONS[role]];
}

/** Nobody grants a role above their own: an admin may create admins, a supervisor nobody (no staff.manage). */
export function mayGrant(actor: StaffRole, role: StaffRole): boolean {
  return can(actor, 'staff.manage') && STAFF_ROLES.indexOf(role) <= STAFF_ROLES.indexOf(actor);
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}
