import { sql } from 'kysely';
import type { Deps } from '../platform/context.js';
import { lockNames } from '../platform/db/lock-name.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { insertImportedAccounts, unavailableIdentifiers } from '../accounts/imported-accounts.js';
import { addAddress } from '../wallet/addresses/addresses.js';
import { prepareImportedHash } from '../passwords/legacy/import-hash.js';
import { checkRow, type CheckedRow, type ImportedIdentifier, type RowProblem } from './customer-row.js';
import { findImportedAccount, findImportedAccounts, recordImportSources } from './store.js';

/**
 * The import pipeline's core, shared by the command line and the store API: check a row (customer-row.ts), make its
 * password hash ready to store (wrapped in argon2id, passwords/legacy), then write a batch in one transaction.
 *
 * - A bad row never rolls back good ones: rows are checked before the transaction and against the database in a few
 *   queries for the whole batch; the batch is written in multi-row statements under a savepoint, and if a unique
 *   index refuses it (someone proved one of its emails a moment ago) each row is written alone under a savepoint of
 *   its own, so only that row is refused.
 * - Idempotent by source id: a source id already imported is reported as such, with the account it became.
 * - A row whose email or phone any account already names (verified or not), or that a closed account released and
 *   is still held, is a conflict, never merged: two customers who typed one address are not one person. Two rows of
 *   one file naming one address: the second is the conflict.
 * - On PostgreSQL every source id and identifier of the batch is locked (advisory, in one global order, so two batches
 *   never wait on each other in a circle) before any check, so concurrent imports of one batch import each row once;
 *   SQLite runs one writing transaction at a time.
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
  const valid = rows.flatMap((r) => (r.ok ? [r] : []));
  if (valid.length === 0) return rows.map(invalid);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const names = valid.flatMap(({ row }) => [`import:source:${row.sourceId}`, ...identifiersOf(row).map(({ identifier }) => `import:identifier:${identifier.kind}:${identifier.normalized}`)]);
      await lockNames(trx, deps.engine, names);
      const tx = { ...deps, db: trx };
      const decided = await decide(tx, valid);
      const written = await writeAll(tx, decided.toWrite, options.importedBy);
      const outcomeOf = (prepared: PreparedRow): RowOutcome => {
        if (!prepared.ok) return invalid(prepared);
        const first = decided.repeats.get(prepared);
        if (!first) return decided.outcomes.get(prepared) ?? written.get(prepared)!;
        // The same source id again in this batch: whatever became of its first row.
        const earlier = written.get(first)!;
        return earlier.status === 'imported' ? { ...earlier, status: 'already_imported' } : earlier;
      };
      const outcomes = rows.map(outcomeOf);
      if (options.dryRun) throw new DryRunRollback(outcomes);
      return outcomes;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.outcomes;
    throw error;
  }
}

type ValidRow = Extract<PreparedRow, { ok: true }>;

const identifiersOf = (row: CheckedRow) => [...row.emails, ...row.phones];

/**
 * Every row's fate but the writing, with three queries for the whole batch (source ids seen before, identifiers named
 * or held) and the batch's own earlier rows: already imported, a conflict, or to be written.
 */
async function decide(tx: ImportDeps, valid: ValidRow[]): Promise<{ outcomes: Map<PreparedRow, RowOutcome>; toWrite: ValidRow[]; repeats: Map<PreparedRow, ValidRow> }> {
  const existing = await findImportedAccounts(tx.db, valid.map(({ row }) => row.sourceId));
  const { named, held } = await unavailableIdentifiers(tx.db, tx.clock.now(), valid.flatMap(({ row }) => identifiersOf(row).map((i) => i.identifier)));
  const outcomes = new Map<PreparedRow, RowOutcome>();
  const toWrite: ValidRow[] = [];
  const sourcesInBatch = new Map<string, ValidRow>();
  const repeats = new Map<PreparedRow, ValidRow>();
  for (const prepared of valid) {
    const { row } = prepared;
    const accountId = existing.get(row.sourceId);
    if (accountId) {
      outcomes.set(prepared, { status: 'already_imported', sourceId: row.sourceId, accountId });
      continue;
    }
    const first = sourcesInBatch.get(row.sourceId);
    if (first) {
      repeats.set(prepared, first);
      continue;
    }
    const problems = [...conflicts(row.emails, 'emails', named, held), ...conflicts(row.phones, 'phones', named, held)];
    if (problems.length > 0) {
      outcomes.set(prepared, { status: 'conflict', sourceId: row.sourceId, problems });
      continue;
    }
    sourcesInBatch.set(row.sourceId, prepared);
    // Later rows of the batch that name these addresses are conflicts, as if this one were written already.
    for (const { identifier } of identifiersOf(row)) named.add(`${identifier.kind}:${identifier.normalized}`);
    toWrite.push(prepared);
  }
  return { outcomes, toWrite, repeats };
}

function conflicts(list: ImportedIdentifier[], field: 'emails' | 'phones', named: Set<string>, held: Set<string>): RowProblem[] {
  const what = field === 'emails' ? 'email address' : 'phone number';
  const key = field === 'emails' ? 'address' : 'number';
  return list.flatMap(({ identifier }, index) => {
    const at = `${field}.${index}.${key}`;
    const id = `${identifier.kind}:${identifier.normalized}`;
    if (named.has(id)) return [{ field: at, reason: `This ${what} already belongs to an account (or an earlier row of this import).` }];
    if (held.has(id)) return [{ field: at, reason: `This ${what} left a closed account recently and is held from new accounts for now.` }];
    return [];
  });
}

/**
 * The rows to write, in multi-row statements under one savepoint. If one of them loses a race the unique indexes
 * settle (someone proved its email a moment ago), the batch's writes are undone and each row is written on its own
 * under a savepoint of its own, so only that row is refused.
 */
async function writeAll(tx: ImportDeps, rows: ValidRow[], importedBy: string): Promise<Map<PreparedRow, RowOutcome>> {
  const written = new Map<PreparedRow, RowOutcome>();
  if (rows.length === 0) return written;
  await sql`savepoint import_batch`.execute(tx.db);
  try {
    const ids = await insertImportedAccounts(tx.db, tx.clock, rows.map(({ row, storedHash }) => accountInput(row, storedHash)));
    for (const [i, { row }] of rows.entries()) {
      // addAddress reads only the database and the clock, and joins this transaction.
      for (const address of row.addresses) await addAddress(tx as Deps, ids[i]!, address);
    }
    await recordImportSources(tx.db, tx.clock, rows.map(({ row }, i) => ({ sourceId: row.sourceId, accountId: ids[i]!, importedBy })));
    await sql`release savepoint import_batch`.execute(tx.db);
    for (const [i, prepared] of rows.entries()) written.set(prepared, { status: 'imported', sourceId: prepared.row.sourceId, accountId: ids[i]! });
    return written;
  } catch (error) {
    await sql`rollback to savepoint import_batch`.execute(tx.db);
    if (!isUniqueViolation(error)) throw error;
  }
  for (const prepared of rows) written.set(prepared, await importRowOnce(tx, prepared.row, prepared.storedHash, importedBy));
  return written;
}

function accountInput(row: CheckedRow, storedHash: string | null) {
  return {
    name: row.name,
    passwordHash: storedHash,
    createdAt: row.createdAt,
    identifiers: identifiersOf(row).map(({ identifier, verified }, index) => ({ identifier, verified, primary: index === 0 && identifier.kind === 'email' })),
  };
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
  const { named, held } = await unavailableIdentifiers(tx.db, tx.clock.now(), identifiersOf(row).map((i) => i.identifier));
  const problems = [...conflicts(row.emails, 'emails', named, held), ...conflicts(row.phones, 'phones', named, held)];
  if (problems.length > 0) return { status: 'conflict', sourceId: row.sourceId, problems };
  const [accountId] = await insertImportedAccounts(tx.db, tx.clock, [accountInput(row, storedHash)]);
  for (const address of row.addresses) await addAddress(tx as Deps, accountId!, address);
  await recordImportSources(tx.db, tx.clock, [{ sourceId: row.sourceId, accountId: accountId!, importedBy }]);
  return { status: 'imported', sourceId: row.sourceId, accountId: accountId! };
}
