import { sql, type Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { lockName } from '../platform/db/lock-name.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { identifierStanding, insertIdentifier } from '../accounts/store.js';
import { insertImportedAccount, isIdentifierNamed } from '../accounts/imported-accounts.js';
import { addAddress } from '../wallet/addresses/addresses.js';
import { prepareImportedHash } from '../passwords/legacy/import-hash.js';
import { checkRow, type CheckedRow, type ImportedIdentifier, type RowProblem } from './customer-row.js';
import { findImportedAccount, recordImportSource } from './store.js';

/**
 * The import pipeline's core, shared by the command line and the store API: check a row (customer-row.ts), make its
 * password hash ready to store (wrapped in argon2id, passwords/legacy), then write a batch in one transaction.
 *
 * - A bad row never rolls back good ones: rows are checked before the transaction, and each row's writes run under a
 *   savepoint, so a unique violation (someone proved that email a moment ago) undoes that row alone.
 * - Idempotent by source id: a source id already imported is reported as such, with the account it became.
 * - A row whose email or phone any account already names (verified or not), or that a closed account released and
 *   is still held, is a conflict, never merged: two customers who typed one address are not one person. Two rows of
 *   one file naming one address: the second is the conflict.
 * - On PostgreSQL every source id and identifier of the batch is locked (advisory, sorted, so two batches never wait
 *   on each other in a circle) before any check, so concurrent imports of one batch import each row once.
 */
export const BATCH_SIZE = 500;

export type ImportDeps = Pick<Deps, 'db' | 'engine' | 'clock' | 'notifyOutbox'>;

export type PreparedRow = { ok: true; row: CheckedRow; storedHash: string | null } | { ok: false; sourceId: string | null; problems: RowProblem[] };

export type RowOutcome =
  | { status: 'imported'; sourceId: string; accountId: string }
  | { status: 'already_imported'; sourceId: string; accountId: string }
  | { status: 'conflict'; sourceId: string; problems: RowProblem[] }
  | { status: 'invalid'; sourceId: string | null; problems: RowProblem[] };

export async function prepareRow(raw: unknown, phoneRegion: string): Promise<PreparedRow> {
  const checked = checkRow(raw, phoneRegion);
  if (!checked.ok) return checked;
  const { hash, format, params } = checked.row.password;
  const prepared = await prepareImportedHash({ hash, format, params });
  if (!prepared.ok) return { ok: false, sourceId: checked.row.sourceId, problems: [{ field: prepared.field, reason: prepared.reason }] };
  return { ok: true, row: checked.row, storedHash: prepared.stored };
}

class DryRunRollback extends Error {
  constructor(readonly outcomes: RowOutcome[]) {
    super('dry run');
  }
}

/** Writes one batch; with dryRun, does every check and write, then rolls it all back, so the report is exact. */
export async function importBatch(deps: ImportDeps, rows: PreparedRow[], options: { importedBy: string; dryRun?: boolean }): Promise<RowOutcome[]> {
  const valid = rows.filter((r) => r.ok);
  if (valid.length === 0) return rows.map(invalid);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const names = new Set<string>();
      for (const { row } of valid) {
        names.add(`import:source:${row.sourceId}`);
        for (const { identifier } of [...row.emails, ...row.phones]) names.add(`import:identifier:${identifier.kind}:${identifier.normalized}`);
      }
      for (const name of [...names].sort()) await lockName(trx, deps.engine, name);
      const tx = { ...deps, db: trx };
      const outcomes: RowOutcome[] = [];
      for (const prepared of rows) outcomes.push(prepared.ok ? await importRowOnce(tx, prepared.row, prepared.storedHash, options.importedBy) : invalid(prepared));
      if (options.dryRun) throw new DryRunRollback(outcomes);
      return outcomes;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.outcomes;
    throw error;
  }
}

function invalid(prepared: PreparedRow): RowOutcome {
  if (prepared.ok) throw new Error('not an invalid row');
  return { status: 'invalid', sourceId: prepared.sourceId, problems: prepared.problems };
}

async function importRowOnce(tx: ImportDeps, row: CheckedRow, storedHash: string | null, importedBy: string): Promise<RowOutcome> {
  await sql`savepoint import_row`.execute(tx.db);
  try {
    const outcome = await importRow(tx, row, storedHash, importedBy);
    // A conflict found by a check wrote nothing, but is undone alike so every path leaves the same state.
    await sql.raw(outcome.status === 'imported' ? 'release savepoint import_row' : 'rollback to savepoint import_row').execute(tx.db);
    return outcome;
  } catch (error) {
    await sql`rollback to savepoint import_row`.execute(tx.db);
    if (!isUniqueViolation(error)) throw error;
    // Lost a race the unique indexes settled: say what holds the row now.
    const accountId = await findImportedAccount(tx.db, row.sourceId);
    if (accountId) return { status: 'already_imported', sourceId: row.sourceId, accountId };
    return { status: 'conflict', sourceId: row.sourceId, problems: [{ field: 'emails', reason: 'An email address or phone number of this row was just proven by another account.' }] };
  }
}

async function importRow(tx: ImportDeps, row: CheckedRow, storedHash: string | null, importedBy: string): Promise<RowOutcome> {
  const existing = await findImportedAccount(tx.db, row.sourceId);
  if (existing) return { status: 'already_imported', sourceId: row.sourceId, accountId: existing };
  const problems = [...(await conflicts(tx, row.emails, 'emails', 'address')), ...(await conflicts(tx, row.phones, 'phones', 'number'))];
  if (problems.length > 0) return { status: 'conflict', sourceId: row.sourceId, problems };

  const accountId = await insertImportedAccount(tx.db, tx.clock, { name: row.name, passwordHash: storedHash, createdAt: row.createdAt });
  for (const [index, { identifier, verified }] of [...row.emails, ...row.phones].entries()) {
    await insertIdentifier(tx.db, tx.clock, accountId, identifier, { primary: index === 0 && identifier.kind === 'email', verified });
  }
  // addAddress reads only the database and the clock, and joins this transaction.
  for (const address of row.addresses) await addAddress(tx as Deps, accountId, address);
  await recordImportSource(tx.db, tx.clock, { sourceId: row.sourceId, accountId, importedBy });
  return { status: 'imported', sourceId: row.sourceId, accountId };
}

async function conflicts(tx: ImportDeps, list: ImportedIdentifier[], field: 'emails' | 'phones', key: 'address' | 'number'): Promise<RowProblem[]> {
  const problems: RowProblem[] = [];
  const what = field === 'emails' ? 'email address' : 'phone number';
  for (const [index, { identifier }] of list.entries()) {
    const at = `${field}.${index}.${key}`;
    if (await isIdentifierNamed(tx.db as Kysely<Database>, identifier)) {
      problems.push({ field: at, reason: `This ${what} already belongs to an account (or an earlier row of this import).` });
    } else if ((await identifierStanding(tx.db, identifier, tx.clock.now(), null)) === 'held') {
      problems.push({ field: at, reason: `This ${what} left a closed account recently and is held from new accounts for now.` });
    }
  }
  return problems;
}
