/** Staff roles and what each may do: one table, each role including the one below it. */
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
  | 'staff.audit';

const AGENT: Permission[] = ['customers.search', 'callers.verify', 'customers.view', 'customers.act', 'recovery.start', 'fraud.view'];
const SUPERVISOR: Permission[] = [...AGENT, 'recovery.approve'];
const ADMIN: Permission[] = [...SUPERVISOR, 'staff.manage', 'staff.audit'];

const TABLE: Record<StaffRole, ReadonlySet<Permission>> = {
  agent: new Set(AGENT),
  supervisor: new Set(SUPERVISOR),
  admin: new Set(ADMIN),
};

export function can(role: StaffRole, permission: Permission): boolean {
  return TABLE[role]?.has(permission) ?? false;
}
