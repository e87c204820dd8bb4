import type { NumberedLine } from './jsonl-lines.js';
import type { RowProblem } from './customer-row.js';
import { BATCH_SIZE, importBatch, prepareRow, type ImportDeps, type PreparedRow, type RowOutcome } from './import-batch.js';

/**
 * A whole import run over numbered lines (a file, for the command line): lines are parsed and checked a batch at a
 * time, hashes made ready in parallel (the hash limiter keeps a core free), and each batch written in its own
 * transaction. At most two batches are held, so millions of rows take constant memory. Blank lines are skipped.
 */
export interface ImportSummary {
  rows: number;
  imported: number;
  alreadyImported: number;
  conflicts: number;
  errors: number;
}

export interface ReportedRow {
  line: number;
  outcome: RowOutcome;
}

export async function runImport(
  deps: ImportDeps & { phoneRegion: string },
  lines: AsyncIterable<NumberedLine>,
  options: { dryRun: boolean; importedBy: string; batchSize?: number; onRow(row: ReportedRow): void | Promise<void> },
): Promise<ImportSummary> {
  const summary: ImportSummary = { rows: 0, imported: 0, alreadyImported: 0, conflicts: 0, errors: 0 };
  type Pending = Array<{ line: number; prepared: Promise<PreparedRow> }>;
  const write = async (pending: Pending) => {
    const prepared = await Promise.all(pending.map((b) => b.prepared));
    const outcomes = await importBatch(deps, prepared, { importedBy: options.importedBy, dryRun: options.dryRun });
    for (const [index, outcome] of outcomes.entries()) {
      summary.rows++;
      if (outcome.status === 'imported') summary.imported++;
      else if (outcome.status === 'already_imported') summary.alreadyImported++;
      else if (outcome.status === 'conflict') summary.conflicts++;
      else summary.errors++;
      await options.onRow({ line: pending[index]!.line, outcome });
    }
  };
  // One batch is written while the next is read and checked (the database's time overlaps the checking's), and
  // batches are written strictly in order, each after the one before has committed: at most two in memory.
  let writing: Promise<void> = Promise.resolve();
  let batch: Pending = [];
  const flush = async () => {
    const pending = batch;
    batch = [];
    const previous = writing;
    writing = previous.then(() => write(pending));
    // Marked handled here; the failure still surfaces where `writing` is awaited (the next flush, or the end).
    writing.catch(() => {});
    await previous;
  };
  for await (const { line, text } of lines) {
    if (text !== null && text.trim() === '') continue;
    batch.push({ line, prepared: prepareLine(text, deps.phoneRegion) });
    if (batch.length >= (options.batchSize ?? BATCH_SIZE)) await flush();
  }
  if (batch.length > 0) await flush();
  await writing;
  return summary;
}

async function prepareLine(text: string | null, phoneRegion: string): Promise<PreparedRow> {
  if (text === null) return refused({ field: '', reason: 'This line is too long to be one customer.' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refused({ field: '', reason: 'This line is not valid JSON.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refused({ field: '', reason: 'Each line must be one JSON object.' });
  return prepareRow(value, phoneRegion);
}

function refused(problem: RowProblem): PreparedRow {
  return { ok: false, sourceId: null, problems: [problem] };
}
