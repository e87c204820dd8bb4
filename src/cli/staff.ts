import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { systemClock } from '../platform/clock.js';
import { cryptoRandom } from '../platform/random.js';
import { migrateToLatest, openDatabase } from '../platform/db/connect.js';
import { iso } from '../platform/format.js';
import { AppError } from '../platform/errors.js';
import { createStaff, disableStaff, listStaff, resetStaffFactors, type Actor } from '../staff/members.js';

/**
 * Support-console staff, managed from the server's shell (the way in for the first admin):
 *
 *   npm run staff -- create --email E --name N --role agent|supervisor|admin   prints `setup_link: …` once
 *   npm run staff -- list [--json]
 *   npm run staff -- disable --id=<id>          their sessions end at once
 *   npm run staff -- reset-factors --id=<id>    password and second factors go; prints a new setup link once
 *
 * (with '=': an id may begin with '-'.)
 */
const USAGE =
  'Usage: npm run staff -- create --email <email> --name "<name>" --role agent|supervisor|admin [--json] | list [--json] | disable --id=<id> | reset-factors --id=<id> [--json]\n';
const SHELL: Actor = { id: null, role: 'shell' };

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [verb] = positionals;
  if (!['create', 'list', 'disable', 'reset-factors'].includes(verb ?? '') || positionals.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  if ((verb === 'disable' || verb === 'reset-factors') && !values.id) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const deps = { db: db.kysely, clock: systemClock, random: cryptoRandom, config, notifyOutbox: () => {} };
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await migrateToLatest(db);
    if (verb === 'create') {
      const { staff, setupLink } = await createStaff(deps, SHELL, { email: values.email ?? '', name: values.name ?? '', role: values.role ?? '' });
      if (values.json) print(JSON.stringify({ id: staff.id, email: staff.email, name: staff.name, role: staff.role, setup_link: setupLink }));
      else {
        print(`id: ${staff.id}`);
        print(`setup_link: ${setupLink}`);
        process.stderr.write(`Created ${staff.role} ${staff.email}. Give them the setup link: it works once, for 24 hours, and is shown only this once.\n`);
      }
      return 0;
    }
    if (verb === 'list') {
      const members = await listStaff(deps);
      if (values.json) print(JSON.stringify(members.map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role, status: m.status, createdAt: iso(m.createdAt) }))));
      else for (const m of members) print(`${m.id}\t${m.email}\t${m.name}\t${m.role}\t${m.status}`);
      return 0;
    }
    if (verb === 'disable') {
      const staff = await disableStaff(deps, SHELL, values.id!);
      process.stderr.write(`Disabled ${staff.email}; their sessions have ended.\n`);
      return 0;
    }
    const { staff, setupLink } = await resetStaffFactors(deps, SHELL, values.id!);
    if (values.json) print(JSON.stringify({ id: staff.id, setup_link: setupLink }));
    else {
      print(`setup_link: ${setupLink}`);
      process.stderr.write(`Reset ${staff.email}: their sessions have ended. The setup link works once, for 24 hours, and is shown only this once.\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const fields = error.fields ? ` ${Object.values(error.fields).join(' ')}` : '';
    process.stderr.write(`${error.message}${fields}\n`);
    return error.status === 400 ? 2 : 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
