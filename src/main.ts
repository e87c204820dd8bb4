import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './platform/clock.js';
import { migrateToLatest, openDatabase } from './platform/db/connect.js';
import { loadBlocklist } from './passwords/blocklist.js';

/** Start: config → database → migrations → app → listen; on SIGTERM/SIGINT finish in-flight requests, then stop. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(db);
  const app = await buildApp({ config, db, clock: systemClock });
  app.worker.start();
  app.jobs.start();
  // Key ids only, never secrets: what an operator needs to see which keys a rotation still depends on.
  app.fastify.log.info({ key: config.keys.current.id, previous: config.keys.previous.map((key) => key.id) }, 'secret keys');
  await app.fastify.listen({ host: config.host, port: config.port });
  // Warm the password blocklist once listening, so start-up does not wait on it; a password check that comes
  // first simply loads it itself.
  setImmediate(loadBlocklist);
  const engine = db.engine === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL';
  app.fastify.log.info(`Custos is serving ${config.publicUrl} on ${engine}${config.devMailbox ? `; development mailbox at ${config.publicUrl}/dev/mailbox` : ''}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.fastify.log.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await app.close();
      await db.close();
      process.exit(0);
    } catch (error) {
      app.fastify.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
