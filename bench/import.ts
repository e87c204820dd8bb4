import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEGACY_HASH_VECTORS } from '../test/helpers/legacy-hash-vectors.js';

/**
 * The customer import (`npm run import`) as a customer's shop runs it: the compiled command as its own process over
 * a generated JSON Lines file, timed from start to exit, its peak RSS read by /usr/bin/time -v. Rows carry no hash by
 * default (wrapping a legacy hash in argon2id costs ~20–40 ms a row, which would measure argon2 alone); `hashed`
 * rows cycle through the legacy hash vectors, one format after another, and are measured apart.
 */
export interface ImportMeasure {
  rows: number;
  hashed: boolean;
  fileMb: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  imported: number;
  errors: number;
}

export async function measureImport(env: Record<string, string>, rows: number, options: { hashed: boolean; offset: number }): Promise<ImportMeasure> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-import-'));
  const file = join(dir, 'customers.jsonl');
  try {
    await writeRows(file, rows, options);
    const started = performance.now();
    const { stdout, stderr, code } = await run(['-v', process.execPath, 'dist/cli/import.js', file, '--json'], env);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`import exited ${code}: ${stderr.slice(-2000)}`);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!).summary as { imported: number; errors: number; conflicts: number };
    const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
    return {
      rows,
      hashed: options.hashed,
      fileMb: Math.round(statSync(file).size / 2 ** 20),
      seconds,
      rowsPerSecond: rows / seconds,
      peakRssMb: Math.round(peakKb / 1024),
      imported: summary.imported,
      errors: summary.errors + summary.conflicts,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Realistic rows: every customer an email, every other one a phone, one in four an address. */
async function writeRows(file: string, rows: number, options: { hashed: boolean; offset: number }): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < rows; i++) {
    const n = options.offset + i;
    const vector = options.hashed ? LEGACY_HASH_VECTORS[i % LEGACY_HASH_VECTORS.length]! : undefined;
    const row = {
      source_id: `bench-${n}`,
      name: `Customer ${n}`,
      emails: [{ address: `customer${n}@import.example`, verified: n % 5 !== 0 }],
      ...(n % 2 === 0 ? { phones: [{ number: `+1212${200 + Math.floor(n / 20_000)}${String((n / 2) % 10_000).padStart(4, '0')}`, verified: false }] } : {}),
      ...(vector ? { password_hash: vector.hash, password_format: vector.format, password_params: vector.params } : {}),
      ...(n % 4 === 0 ? { addresses: [{ full_name: `Customer ${n}`, line1: `${n} Market St`, city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' }] } : {}),
      created_at: new Date(Date.UTC(2015, 0, 1) + n * 60_000).toISOString(),
    };
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
  }
  await new Promise((resolve) => out.end(resolve));
}

function run(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn('/usr/bin/time', args, { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Only the summary (the last line) is kept: a million rows of report must not pile up here.
  child.stdout.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-4096);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code })));
}
