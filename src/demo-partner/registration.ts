import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The shop's registration with Custos, made on first run from the server's shell (as a store owner would for a
 * real partner) and kept in DATA_DIR/demo-partner.json, readable by its owner only (mode 0600): it holds the
 * client secret and the webhook secret. Later runs reuse it; delete the file to register again.
 */
export interface Registration {
  custos_url: string;
  redirect_uri: string;
  client_id: string;
  client_secret: string;
  /** Absent when the webhook command failed; the next start tries again. */
  webhook?: { id: string; url: string; secret: string };
}

export const REGISTRATION_FILE = 'demo-partner.json';
export const SHOP_CLIENT_NAME = 'Demo partner shop';

const run = promisify(execFile);

export interface RegistrationOptions {
  dataDir: string;
  custosUrl: string;
  redirectUri: string;
  webhookUrl: string;
  /** The folder of Custos's compiled command-line tools (dist/cli). */
  cliDir: string;
  /** The environment the commands run with: Custos's, so they reach the same database. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export async function ensureRegistration(options: RegistrationOptions): Promise<Registration> {
  const file = join(options.dataDir, REGISTRATION_FILE);
  let registration = readRegistration(file);
  if (!registration || registration.custos_url !== options.custosUrl || registration.redirect_uri !== options.redirectUri) {
    const created = await runCli(options, 'partner.js', ['create', '--name', SHOP_CLIENT_NAME, '--redirect-uri', options.redirectUri, '--json']);
    const client = JSON.parse(created) as { client_id?: unknown; client_secret?: unknown };
    if (typeof client.client_id !== 'string' || typeof client.client_secret !== 'string') throw new Error(`The partner command printed no client credentials: ${created}`);
    registration = { custos_url: options.custosUrl, redirect_uri: options.redirectUri, client_id: client.client_id, client_secret: client.client_secret };
    saveRegistration(file, registration);
    options.log(`Registered "${SHOP_CLIENT_NAME}" with Custos as ${registration.client_id}.`);
  }
  if (!registration.webhook || registration.webhook.url !== options.webhookUrl) {
    try {
      const added = await runCli(options, 'webhook.js', ['add', '--partner', registration.client_id, '--url', options.webhookUrl]);
      const id = /^id: (\S+)$/m.exec(added)?.[1];
      const secret = /^secret: (whsec_\S+)$/m.exec(added)?.[1];
      if (!id || !secret) throw new Error(`the webhook command printed no id and secret: ${added}`);
      registration = { ...registration, webhook: { id, url: options.webhookUrl, secret } };
      saveRegistration(file, registration);
      options.log(`Webhook endpoint ${options.webhookUrl} added as ${id}.`);
    } catch (error) {
      // The shop still signs in and takes payments without webhooks; its event log will say none arrive.
      options.log(`Could not add the webhook endpoint (${(error as Error).message}); the next start tries again.`);
    }
  }
  return registration;
}

async function runCli(options: RegistrationOptions, script: string, args: string[]): Promise<string> {
  const path = join(options.cliDir, script);
  if (!existsSync(path)) throw new Error(`this Custos has no ${path}; run npm run build first`);
  try {
    const { stdout } = await run(process.execPath, [path, ...args], { env: options.env });
    return stdout;
  } catch (error) {
    throw new Error(`${script.replace(/\.js$/, '')} ${args[0]}: ${failure(error)}`, { cause: error });
  }
}

/** What a failed command said, in one line: its message to people, not a stack. */
function failure(error: unknown): string {
  const said = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
  return said.split('\n')[0]!.trim();
}

function readRegistration(file: string): Registration | undefined {
  if (!existsSync(file)) return undefined;
  // A copy restored from a backup may have lost its mode; it holds secrets either way.
  chmodSync(file, 0o600);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Registration;
  return typeof parsed.client_id === 'string' && typeof parsed.client_secret === 'string' ? parsed : undefined;
}

/** Written whole to a temporary file created 0600, then renamed: never a moment where the secret is world-readable. */
function saveRegistration(file: string, registration: Registration): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(registration, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
