import { loadShopConfig, ShopConfigError } from './config.js';
import { startPartnerShop } from './start.js';

/** `npm run demo:partner` (node dist/demo-partner/main.js): see start.ts and the README's "Try it: the demo partner". */
try {
  const config = loadShopConfig();
  const { app, url } = await startPartnerShop(config);
  process.stdout.write(`Northwind Outfitters, a demo partner shop, is open at ${url} (talking to ${config.custosUrl}).\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (error) {
  process.stderr.write(`${error instanceof ShopConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
