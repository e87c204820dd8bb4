import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** The stylesheet and the few scripts under public/, read once at start and served from memory. */
const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Files served straight from an installed package, with no build step: @simplewebauthn/browser's UMD bundle
 * (it defines the global `SimpleWebAuthnBrowser`, used by public/passkeys.js). The package's entry is found
 * through Node's resolver, so the path holds wherever npm put it.
 */
const PACKAGE_ASSETS: Record<string, string> = {
  'simplewebauthn-browser.js': join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'),
};

export function registerAssets(app: FastifyInstance): void {
  const files: Array<[string, string]> = [...readdirSync(PUBLIC_DIR).map((name): [string, string] => [name, join(PUBLIC_DIR, name)]), ...Object.entries(PACKAGE_ASSETS)];
  for (const [name, path] of files) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const content = readFileSync(path);
    app.get(`/assets/${name}`, async (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=300').send(content),
    );
  }
}
