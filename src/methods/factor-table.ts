import type { PrincipalKind } from './method.js';

/**
 * Where a principal's second factors live: customers' in `factors`, staff's in `staff_factors`, a table with the
 * same columns (its account_id names a staff member), so one method implementation serves both kinds and a
 * staff id can never match a customer's factor. Typed as 'factors' because the columns are the same.
 */
export type FactorTableName = 'factors';

export function factorTableOf(kind: PrincipalKind): FactorTableName {
  return (kind === 'staff' ? 'staff_factors' : 'factors') as FactorTableName;
}
