/**
 * The demo partner shop's settings, read once from the environment. It shares DATA_DIR and STORE_NAME with
 * Custos, so started beside `npm start` with the same environment it finds the same database and store name.
 */
export interface ShopConfig {
  port: number;
  /** Where customers' browsers reach this shop; its callback and webhook URLs are made from it. */
  publicUrl: string;
  /** Where Custos answers: the OpenID provider is at `${custosUrl}/oidc`, the partner API under /api/partner/v1. */
  custosUrl: string;
  /** The store's name as its customers know it: the buttons say "Sign in with <storeName>". */
  storeName: string;
  /** Where the shop keeps its client credentials and webhook secret between runs. */
  dataDir: string;
}

export class ShopConfigError extends Error {}

export function loadShopConfig(env: Record<string, string | undefined> = process.env): ShopConfig {
  const port = Number(env.PARTNER_PORT ?? 3001);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ShopConfigError(`PARTNER_PORT must be a port number, not "${env.PARTNER_PORT}"`);
  const custosUrl = httpUrl('CUSTOS_URL', env.CUSTOS_URL ?? 'http://localhost:3000');
  const publicUrl = httpUrl('PARTNER_PUBLIC_URL', env.PARTNER_PUBLIC_URL ?? `http://localhost:${port}`);
  const storeName = (env.STORE_NAME ?? '').trim() || 'Custos';
  return { port, publicUrl, custosUrl, storeName, dataDir: env.DATA_DIR || './data' };
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ShopConfigError(`${name} must be an http:// or https:// URL, not "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ShopConfigError(`${name} must be an http:// or https:// URL, not "${value}"`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}
