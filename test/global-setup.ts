import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { runPrefix, withAdmin } from './helpers/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

/** One id per run names the workers' databases and templates (test/helpers/database.ts); teardown removes them. */
export default function setup(project: TestProject): () => Promise<void> {
  const runId = randomBytes(4).toString('hex');
  project.provide('testRunId', runId);
  const prefix = runPrefix(runId);
  return async () => {
    for (const entry of readdirSync(tmpdir())) {
      if (entry.startsWith(prefix.folder)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    }
    const adminUrl = process.env.TEST_POSTGRES_URL;
    if (!adminUrl) return;
    await withAdmin(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2', [
        `${prefix.database}%`,
        `${prefix.template}%`,
      ]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    });
  };
}
