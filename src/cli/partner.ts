import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { systemClock } from '../platform/clock.js';
import { cryptoRandom } from '../platform/random.js';
import { migrateToLatest, openDatabase } from '../platform/db/connect.js';
import { AppError } from '../platform/errors.js';
import { iso } from '../platform/format.js';
import { createPartner, listPartners, revokePartner } from '../partners/partners.js';

/**
 * Partner sites ("Sign in with" and "Pay with" the store), registered from the server's shell:
 *
 *   npm run partner -- create --name "Example shop" --redirect-uri https://example.com/callback [--redirect-uri …]
 *                            [--backchannel-logout-uri https://example.com/logout] [--json]
 *        prints `client_id: cp_…` and `client_secret: cps_…`; the secret is shown once and stored hashed
 *   npm run partner -- list [--json]
 *   npm run partner -- revoke --id=<client_id>
 */
const USAGE =
  'Usage: npm run partner -- create --name "<name>" --redirect-uri <uri> [--redirect-uri <uri>…] [--backchannel-logout-uri <uri>] [--json]\n' +
  '       npm run partner -- list [--json]\n' +
  '       npm run partner -- revoke --id=<client_id>\n';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'backchannel-logout-uri': { type: 'string' },
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
  if ((verb !== 'create' && verb !== 'list' && verb !== 'revoke') || (verb === 'revoke' && !values.id)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const deps = { db: db.kysely, clock: systemClock, random: cryptoRandom };
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await migrateToLatest(db);
    if (verb === 'create') {
      const { partner, clientSecret } = await createPartner(deps, {
        name: values.name ?? '',
        redirectUris: values['redirect-uri'] ?? [],
        backchannelLogoutUri: values['backchannel-logout-uri'],
      });
      if (values.json) print(JSON.stringify({ client_id: partner.id, client_secret: clientSecret, name: partner.name, redirect_uris: partner.redirectUris }));
      else {
        print(`client_id: ${partner.id}`);
        print(`client_secret: ${clientSecret}`);
        process.stderr.write(`Registered partner "${partner.name}". Keep the client secret safe: it is shown only this once.\n`);
      }
      return 0;
    }
    if (verb === 'list') {
      const partners = await listPartners(deps);
      if (values.json) {
        print(
          JSON.stringify(
            partners.map((p) => ({
              client_id: p.id,
              name: p.name,
              redirect_uris: p.redirectUris,
              created_at: iso(p.createdAt),
              last_used_at: p.lastUsedAt === null ? null : iso(p.lastUsedAt),
              revoked_at: p.revokedAt === null ? null : iso(p.revokedAt),
            })),
          ),
        );
        return 0;
      }
      for (const p of partners) {
        const state = p.revokedAt ? `revoked ${iso(p.revokedAt)}` : 'active';
        print(`${p.id}\t${p.name}\t${state}\tlast used ${p.lastUsedAt === null ? 'never' : iso(p.lastUsedAt)}\t${p.redirectUris.join(' ')}`);
      }
      return 0;
    }
    if (await revokePartner(deps, values.id!)) {
      process.stderr.write(`Revoked partner ${values.id}. Its tokens no longer work.\n`);
      return 0;
    }
    process.stderr.write(`No active partner has the client id ${values.id}.\n`);
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
