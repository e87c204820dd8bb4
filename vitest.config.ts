import { globSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Most test files share their worker's modules (isolate: false): importing the app, the password blocklist and
 * the zxcvbn dictionaries once per worker instead of once per file is most of the suite's time. Each file still
 * builds its own app over its own fresh database, so nothing a test relies on is shared but code. Files that
 * replace a module with `vi.mock` run isolated, so their stand-ins never leak into other files.
 */
const ALL = ['test/**/*.test.ts', 'test/**/*.test.tsx', 'e2e/**/*.test.ts'];
const MOCKS_MODULES = ALL.flatMap((pattern) => globSync(pattern)).filter((file) => /\bvi\.mock\(/.test(readFileSync(file, 'utf8')));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'shared', include: ALL, exclude: MOCKS_MODULES, isolate: false } },
      { extends: true, test: { name: 'isolated', include: MOCKS_MODULES, isolate: true } },
    ],
  },
});
