import { startServer } from './server.js';
import { createBenchAccount } from './account.js';
import type { Db } from '../src/platform/db/connect.js';

/**
 * Enumeration by timing (SECURITY.md "Every public path does the same work"): the median response time for a
 * known and an unknown identifier on find-your-account and on the reset request, over interleaved samples
 * (known, unknown, unknown, known, …) so drift on a shared machine hits both alike. Each sample comes from its
 * own address (the server trusts one proxy hop here), so the per-network allowance never decides a sample.
 */
export interface EnumerationResult {
  path: string;
  samples: number;
  knownMedianMs: number;
  unknownMedianMs: number;
  differenceMs: number;
}

const PATHS = [
  { path: 'find your account', url: '/api/v1/recovery/find-account' },
  { path: 'password reset request', url: '/api/v1/recovery/password' },
];

export async function measureEnumeration(env: Record<string, string>, db: Db, samples = 200): Promise<EnumerationResult[]> {
  // 440 requests name the same two contacts: budgets set out of reach, so every sample does the full work of a
  // request rather than meeting a 429 (the budgets are spent alike for both, and tested on their own).
  const unlimited = Object.fromEntries(
    [...['NUMBER', 'ACCOUNT', 'NETWORK', 'COUNTRY'].flatMap((scope) => [`SMS_BUDGET_${scope}_HOUR`, `SMS_BUDGET_${scope}_DAY`]), 'SMS_MAX_PER_HOUR', 'EMAIL_BUDGET_ADDRESS_HOUR', 'EMAIL_BUDGET_ADDRESS_DAY'].map((name) => [name, '1000000']),
  );
  const server = await startServer({ ...env, ...unlimited, TRUST_PROXY: '1' });
  try {
    const account = await createBenchAccount(server.url, db);
    let address = 0;
    const timed = async (url: string, identifier: string): Promise<number> => {
      address++;
      const started = performance.now();
      const response = await fetch(server.url + url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}` },
        body: JSON.stringify({ identifier }),
      });
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 202 && response.status !== 204) throw new Error(`${url}: ${response.status}`);
      return elapsed;
    };
    const results: EnumerationResult[] = [];
    for (const { path, url } of PATHS) {
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 20; i++) await timed(url, i % 2 ? account.identifier : 'nobody@example.test');
      for (let i = 0; i < samples; i++) {
        const knownFirst = i % 2 === 0;
        const first = await timed(url, knownFirst ? account.identifier : 'nobody@example.test');
        const second = await timed(url, knownFirst ? 'nobody@example.test' : account.identifier);
        known.push(knownFirst ? first : second);
        unknown.push(knownFirst ? second : first);
      }
      const knownMedianMs = median(known);
      const unknownMedianMs = median(unknown);
      results.push({ path, samples, knownMedianMs, unknownMedianMs, differenceMs: Math.abs(knownMedianMs - unknownMedianMs) });
    }
    return results;
  } finally {
    await server.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function enumerationTable(engine: string, results: EnumerationResult[]): string {
  return results
    .map((r) => `${engine} ${r.path}: known ${r.knownMedianMs.toFixed(2)} ms, unknown ${r.unknownMedianMs.toFixed(2)} ms, difference ${r.differenceMs.toFixed(2)} ms (goal ≤ 0.30) over ${r.samples} interleaved samples`)
    .join('\n');
}
