import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { systemClock } from '../platform/clock.js';
import { cryptoRandom } from '../platform/random.js';
import { migrateToLatest, openDatabase } from '../platform/db/connect.js';
import { AppError } from '../platform/errors.js';
import { iso } from '../platform/format.js';
import { addEndpoint, listEndpoints, removeEndpoint } from '../webhooks/endpoints.js';

/**
 * Webhook endpoints for the store and for partner sites, registered from the server's shell:
 *
 *   npm run webhook -- add --store --url https://shop.example/custos-events
 *   npm run webhook -- add --partner <client_id> --url https://partner.example/hooks
 *        prints `id: we_…` and `secret: whsec_…`; the secret is shown once and signs every delivery
 *   npm run webhook -- list [--json]      endpoints with how their deliveries stand (delivered, retrying, failed)
 *   npm run webhook -- remove --id=<id>   stops deliveries to it, including retries still waiting
 */
const USAGE =
  'Usage: npm run webhook -- add (--store | --partner <client_id>) --url <url>\n' +
  '       npm run webhook -- list [--json]\n' +
  '       npm run webhook -- remove --id=<id>\n';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        store: { type: 'boolean', default: false },
        partner: { type: 'string' },
        url: { type: 'string' },
        id: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [verb] = positionals;
  const owners = (values.store ? 1 : 0) + (values.partner !== undefined ? 1 : 0);
  const valid =
    positionals.length === 1 &&
    ((verb === 'add' && owners === 1 && values.url !== undefined) || (verb === 'list' && owners === 0) || (verb === 'remove' && values.id !== undefined && owners === 0));
  if (!valid) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const deps = { db: db.kysely, clock: systemClock, random: cryptoRandom, config, notifyOutbox: () => {} };
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await migrateToLatest(db);
    if (verb === 'add') {
      const endpoint = await addEndpoint(deps, { partnerId: values.partner ?? null, url: values.url! });
      print(`id: ${endpoint.id}`);
      print(`secret: ${endpoint.secret}`);
      process.stderr.write(`Added ${endpoint.url}. Keep the secret safe: it is shown only this once, and verifies every delivery.\n`);
      return 0;
    }
    if (verb === 'list') {
      const endpoints = await listEndpoints(deps);
      if (values.json) {
        const json = endpoints.map((e) => ({
          id: e.id,
          owner: e.partnerId ?? 'store',
          url: e.url,
          created_at: iso(e.createdAt),
          removed_at: e.removedAt === null ? null : iso(e.removedAt),
          deliveries: e.deliveries,
          last_error: e.lastError,
        }));
        print(JSON.stringify(json));
        return 0;
      }
      for (const e of endpoints) {
        const d = e.deliveries;
        const state = e.removedAt === null ? 'active' : `removed ${iso(e.removedAt)}`;
        const counts = `delivered ${d.delivered}, pending ${d.pending} (retrying ${d.retrying}), failed ${d.failed}`;
        print([e.id, e.partnerId ?? 'store', state, e.url, counts, e.lastError ? `last error: ${e.lastError}` : ''].filter(Boolean).join('\t'));
      }
      return 0;
    }
    if (await removeEndpoint(deps, values.id!)) {
      process.stderr.write(`Removed ${values.id}. Nothing more is sent to it.\n`);
      return 0;
    }
    process.stderr.write(`No active webhook endpoint has the id ${values.id!.slice(0, 80)}.\n`);
    return 1;
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
