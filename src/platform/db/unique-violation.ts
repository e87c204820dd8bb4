/**
 * True when a write failed because a unique index already holds the value, on either engine. Races that a
 * unique index settles (two concurrent creates with one idempotency key) are caught with this and answered as
 * the loser, instead of checking first and hoping nothing happens in between.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  // PostgreSQL: SQLSTATE 23505 unique_violation. SQLite: extended result codes for UNIQUE and PRIMARY KEY.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
