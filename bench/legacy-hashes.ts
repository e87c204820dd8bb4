import { pbkdf2Sync, scryptSync } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { hashPassword, verifyPassword } from '../src/passwords/hashing.js';
import { prepareImportedHash } from '../src/passwords/legacy/import-hash.js';
import { phpassDigest } from '../src/passwords/legacy/phpass.js';
import { LEGACY_HASH_VECTORS, type LegacyHashVector } from '../test/helpers/legacy-hash-vectors.js';

/**
 * What the legacy step adds to a sign-in ("every sign-in costs about the same", issue 14): the median time of
 * verifyPassword — the call the password method makes — on a wrapped legacy hash, against the median on a native
 * argon2id at ARGON2_PARAMS, in interleaved samples so the shared machine's drift hits both alike. One row per
 * published vector, then one per format at its import cap (the most a store can bring in).
 */
export interface LegacyHashTiming {
  name: string;
  nativeMedianMs: number;
  importedMedianMs: number;
  addedMs: number;
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/** Hashes at each cap, made here with the same algorithms (and the password 'at the cap'). */
async function atTheCap(): Promise<LegacyHashVector[]> {
  const password = 'at the cap';
  const salt = Buffer.from('0123456789abcdef');
  const auto = (name: string, hash: string): LegacyHashVector => ({ name, password, hash, format: 'auto', params: {} });
  return [
    auto('cap: bcrypt cost 13', (await bcryptHash(password, 13)).replace(/^\$2b\$/, '$2y$')),
    auto('cap: phpass 2^16', `$P$E${'abcdefgh'}${await phpassDigest(password, 'abcdefgh', 16)}`),
    auto('cap: PBKDF2-SHA256 1,000,000', `pbkdf2_sha256$1000000$seasalt$${pbkdf2Sync(password, 'seasalt', 1_000_000, 32, 'sha256').toString('base64')}`),
    auto('cap: scrypt N=2^17, r=8', `$scrypt$ln=17,r=8,p=1$${b64(salt)}$${b64(scryptSync(password, salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 300 * 2 ** 20 }))}`),
    auto('cap: argon2id 256 MiB, t=3 (stored as is)', await argon2Hash(password, { memoryCost: 262_144, timeCost: 3, parallelism: 1 })),
  ];
}

export async function measureLegacyHashes(samples = 9): Promise<LegacyHashTiming[]> {
  const nativePassword = 'native bench password';
  const native = await hashPassword(nativePassword);
  const results: LegacyHashTiming[] = [];
  for (const vector of [...LEGACY_HASH_VECTORS, ...(await atTheCap())]) {
    const prepared = await prepareImportedHash({ hash: vector.hash, format: vector.format, params: vector.params });
    if (!prepared.ok) throw new Error(`${vector.name}: ${prepared.reason}`);
    const stored = prepared.stored!;
    const nativeMs: number[] = [];
    const importedMs: number[] = [];
    const time = async (hash: string, password: string, into: number[]) => {
      const started = performance.now();
      if (!(await verifyPassword(hash, password))) throw new Error(`${vector.name}: did not verify`);
      into.push(performance.now() - started);
    };
    await time(stored, vector.password, []);
    for (let i = 0; i < samples; i++) {
      if (i % 2 === 0) {
        await time(native, nativePassword, nativeMs);
        await time(stored, vector.password, importedMs);
      } else {
        await time(stored, vector.password, importedMs);
        await time(native, nativePassword, nativeMs);
      }
    }
    const nativeMedianMs = median(nativeMs);
    const importedMedianMs = median(importedMs);
    results.push({ name: vector.name, nativeMedianMs, importedMedianMs, addedMs: importedMedianMs - nativeMedianMs });
  }
  return results;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function legacyHashTable(results: LegacyHashTiming[]): string {
  const rows = ['| imported hash | native argon2id verify, median ms | imported verify, median ms | legacy step adds, ms |', '|---|---|---|---|'];
  for (const r of results) rows.push(`| ${r.name} | ${r.nativeMedianMs.toFixed(1)} | ${r.importedMedianMs.toFixed(1)} | ${r.addedMs.toFixed(1)} |`);
  return rows.join('\n');
}
