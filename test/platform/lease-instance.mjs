// One service instance for the cross-process lease test: `runners` job runners in this process, on their own
// connection to the database named by DATABASE_URL (or the SQLite file in DATA_DIR), all asking at once to run one
// due job at the same clock time. Prints how many times the job ran here. Uses the compiled build (npm run build).
import pino from 'pino';
import { ManualClock, HOUR } from '../../dist/platform/clock.js';
import { openDatabase } from '../../dist/platform/db/connect.js';
import { JobRunner } from '../../dist/platform/jobs/runner.js';

const [now, runners] = process.argv.slice(2).map(Number);
const db = openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR, poolSize: 4 });
const clock = new ManualClock(now);
const log = pino({ level: 'silent' });
let runs = 0;
const list = Array.from({ length: runners }, () => {
  const runner = new JobRunner({ db: db.kysely, clock, log });
  runner.register({ name: 'once-across-processes', everyMs: HOUR, run: async () => void runs++ });
  return runner;
});
await Promise.all(list.map((runner) => runner.runDue()));
process.stdout.write(JSON.stringify({ runs }));
await db.close();
