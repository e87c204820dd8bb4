import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ShopConfig } from './config.js';
import { ensureRegistration } from './registration.js';
import { buildShop } from './shop.js';

/**
 * Opens the demo partner shop, "Northwind Outfitters": a small shop that signs customers in with the store and
 * takes payment through it, the way an outside shop would integrate, over HTTP only. On first run it registers itself with Custos through the store's own shell commands (same environment,
 * so the same database) and keeps its credentials in DATA_DIR/demo-partner.json.
 */
export interface StartOptions {
  /** The environment Custos's commands run with; the shop's own process environment by default. */
  env?: NodeJS.ProcessEnv;
  /** Custos's compiled command-line tools; dist/cli beside this file by default. */
  cliDir?: string;
  now?: () => number;
  host?: string;
  log?: (line: string) => void;
}

export async function startPartnerShop(config: ShopConfig, options: StartOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const registration = await ensureRegistration({
    dataDir: config.dataDir,
    custosUrl: config.custosUrl,
    redirectUri: `${config.publicUrl}/callback`,
    webhookUrl: `${config.publicUrl}/webhooks`,
    cliDir: options.cliDir ?? fileURLToPath(new URL('../cli/', import.meta.url)),
    env: options.env ?? process.env,
    log,
  });
  const app = await buildShop({ publicUrl: config.publicUrl, custosUrl: config.custosUrl, storeName: config.storeName, registration, now: options.now ?? Date.now, log });
  await app.listen({ host: options.host ?? 'localhost', port: config.port });
  return { app, url: config.publicUrl };
}

