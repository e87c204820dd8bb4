import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_POLICY } from '../../src/platform/throttle.js';
import { createTestApp, signUp, type ListeningTestApp } from '../helpers/app.js';
import { freePort } from '../helpers/free-port.js';
import { burst, burstIp, countEvents, flowsAtPassword, TRUST_ONE_PROXY, type Listening } from '../helpers/burst.js';
import { accountIdOf, UNLIMITED_MESSAGE_BUDGETS } from '../helpers/fixtures.js';

/**
 * SECURITY.md "An attempt is reserved before the secret is checked", across processes: the test's own app and a
 * second service started as `npm start` runs it (`node dist/main.js`, from the compiled build) share one database
 * and nothing else — no memory, no clock object — as two instances behind a balancer do. 200 concurrent wrong
 * passwords split between them check no more than the allowance.
 */
const BURST = 200;
const SUBJECT_ALLOWANCE = ACCOUNT_POLICY.freeFailures + 1;
const START_DEADLINE_MS = 20_000;

describe('the attempt gate across two service processes on one database', () => {
  let t: ListeningTestApp;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    t = await createTestApp({ ...TRUST_ONE_PROXY, ...UNLIMITED_MESSAGE_BUDGETS }, { listen: true });
    // The other process runs on the system clock; this one's clock is moved to the same time.
    t.clock.set(Date.now());
  });
  afterEach(async () => {
    if (child && child.exitCode === null) await new Promise((resolve) => { child!.once('exit', resolve); child!.kill('SIGTERM'); });
    child = undefined;
    await t.close();
  });

  async function startSecondProcess(): Promise<Listening> {
    const port = await freePort();
    child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        ...process.env,
        ...TRUST_ONE_PROXY,
        ...UNLIMITED_MESSAGE_BUDGETS,
        NODE_ENV: 'development',
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        PORT: String(port),
        SECRET: t.config.secret,
        DATABASE_URL: t.database.databaseUrl ?? '',
        DATA_DIR: t.database.dataDir,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + START_DEADLINE_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the second process exited with ${child.exitCode}`);
      if (await fetch(`${baseUrl}/livez`).then((res) => res.ok, () => false)) return { baseUrl };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the second process did not answer within ${START_DEADLINE_MS} ms`);
  }

  it(`SECURITY.md attempts are reserved: ${BURST} concurrent wrong passwords split between two processes check at most ${SUBJECT_ALLOWANCE}`, async () => {
    const other = await startSecondProcess();
    await signUp(t, { email: 'shared@example.com' });
    const accountId = await accountIdOf(t, 'shared@example.com');
    const flows = await flowsAtPassword(t, 'shared@example.com', BURST);
    const answers = await burst(flows.map((flowId, n) => ({
      server: n % 2 === 0 ? t : other, path: `/api/v1/signin/flows/${flowId}/password`, body: { password: 'definitely not the password' }, ip: burstIp(n),
    })));

    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    // Both processes answered guesses, and every one beyond the allowance was refused before any hash.
    expect(answers.filter((a, n) => n % 2 === 1 && a.status === 401).length + answers.filter((a, n) => n % 2 === 1 && a.status === 429).length).toBe(BURST / 2);
    const checked = await countEvents(t, 'signin.failed', { accountId, method: 'password' });
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SUBJECT_ALLOWANCE);
    expect(answers.filter((a) => a.status === 429 && a.code === 'throttled').length).toBeGreaterThanOrEqual(BURST - SUBJECT_ALLOWANCE);
  }, 120_000);
});
