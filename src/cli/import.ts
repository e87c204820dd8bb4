import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { systemClock } from '../platform/clock.js';
import { migrateToLatest, openDatabase } from '../platform/db/connect.js';
import { jsonlLines } from '../imports/jsonl-lines.js';
import { runImport, type ImportSummary, type ReportedRow } from '../imports/import-run.js';

/**
 * Customers from another platform, from a JSON Lines file (README "Bring customers from another platform"):
 *
 *   npm run import -- customers.jsonl [--dry-run] [--json] [--errors errors.jsonl]
 *
 * Streams the file (constant memory for millions of rows), shows progress on stderr when it is a terminal, reports
 * every refused row (line, field, reason) on stdout — as JSON lines with --json, and also into --errors — and ends
 * with a summary. --dry-run checks everything, conflicts included, and writes nothing. The exit code is non-zero
 * only when the run itself fails (no such file, database down), never for bad rows.
 */
const USAGE = 'Usage: npm run import -- <customers.jsonl> [--dry-run] [--json] [--errors <errors.jsonl>]\n';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, errors: { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const file = createReadStream(positionals[0]!);
  let size = 0;
  try {
    await once(file, 'open');
    size = statSync(positionals[0]!).size;
  } catch (error) {
    process.stderr.write(`Cannot read ${positionals[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  const errorsFile = values.errors ? createWriteStream(values.errors) : undefined;
  if (errorsFile) {
    try {
      await once(errorsFile, 'open');
    } catch (error) {
      file.destroy();
      process.stderr.write(`Cannot write ${values.errors}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      return 1;
    }
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const progress = new Progress(process.stderr.isTTY === true, () => ({ read: file.bytesRead, total: size }));
  try {
    await migrateToLatest(db);
    const deps = { db: db.kysely, engine: db.engine, clock: systemClock, notifyOutbox: () => {}, phoneRegion: config.defaultPhoneRegion };
    const summary = await runImport(deps, jsonlLines(file), {
      dryRun: values['dry-run'],
      importedBy: 'cli',
      onRow: async (row) => {
        progress.count(row);
        for (const entry of reportEntries(row)) {
          await write(process.stdout, values.json ? `${JSON.stringify(entry)}\n` : `line ${entry.line}${entry.source_id ? ` (${entry.source_id})` : ''}: ${entry.status}: ${entry.field || 'row'}: ${entry.reason}\n`);
          if (errorsFile) await write(errorsFile, `${JSON.stringify(entry)}\n`);
        }
      },
    });
    progress.done();
    await write(process.stdout, values.json ? `${JSON.stringify({ summary: { ...summaryJson(summary), dry_run: values['dry-run'] } })}\n` : summaryText(summary, values['dry-run']));
    return 0;
  } catch (error) {
    progress.done();
    process.stderr.write(`Import stopped: ${(error as Error).message}\n`);
    return 1;
  } finally {
    file.destroy();
    if (errorsFile) await new Promise((resolve) => errorsFile.end(resolve));
    await db.close();
  }
}

interface ReportEntry {
  line: number;
  source_id: string | null;
  status: 'invalid' | 'conflict';
  field: string;
  reason: string;
}

function reportEntries({ line, outcome }: ReportedRow): ReportEntry[] {
  if (outcome.status !== 'invalid' && outcome.status !== 'conflict') return [];
  return outcome.problems.map((p) => ({ line, source_id: outcome.sourceId, status: outcome.status as 'invalid' | 'conflict', field: p.field, reason: p.reason }));
}

function summaryJson(s: ImportSummary) {
  return { rows: s.rows, imported: s.imported, already_imported: s.alreadyImported, conflicts: s.conflicts, errors: s.errors };
}

function summaryText(s: ImportSummary, dryRun: boolean): string {
  const head = dryRun ? 'Dry run: nothing was written. Had it run:\n' : '';
  return `${head}rows: ${s.rows}\nimported: ${s.imported}\nalready imported: ${s.alreadyImported}\nconflicts: ${s.conflicts}\nerrors: ${s.errors}\n`;
}

/** Waits when the stream's buffer is full, so a file of errors never piles up in memory. */
async function write(stream: NodeJS.WritableStream | WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** How far through the file, rows, rows/s and rows refused on one line of stderr, redrawn at most five times a second, only on a terminal. */
class Progress {
  private rows = 0;
  private errors = 0;
  private readonly started = systemClock.now();
  private lastDrawn = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly position: () => { read: number; total: number },
  ) {}

  count({ outcome }: ReportedRow): void {
    this.rows++;
    if (outcome.status === 'invalid' || outcome.status === 'conflict') this.errors++;
    const now = systemClock.now();
    if (this.enabled && now - this.lastDrawn >= 200) {
      this.lastDrawn = now;
      this.draw(now);
    }
  }

  done(): void {
    if (this.enabled) {
      this.draw(systemClock.now());
      process.stderr.write('\n');
    }
  }

  private draw(now: number): void {
    const rate = Math.round(this.rows / Math.max(0.001, (now - this.started) / 1000));
    const { read, total } = this.position();
    const share = total > 0 ? Math.min(1, read / total) : 1;
    const bar = '#'.repeat(Math.round(share * 20)).padEnd(20, '.');
    process.stderr.write(`\r[${bar}] ${Math.floor(share * 100)}% · ${this.rows.toLocaleString('en')} rows · ${rate.toLocaleString('en')} rows/s · ${this.errors.toLocaleString('en')} refused`);
  }
}

process.exitCode = await main();
