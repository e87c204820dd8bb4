import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { loggerOptions } from '../../../src/platform/logging.js';

/**
 * SECURITY.md "Card data": the card number, security code and expiry never reach a log line. Bodies are not
 * logged; if one is logged by mistake, the redaction paths are the second line of defence. The app's own logger
 * options are used unchanged; only where the lines go is replaced.
 */
describe('card fields in logs', () => {
  function captureLog(): { lines: string[]; log: ReturnType<typeof Fastify>['log'] } {
    const lines: string[] = [];
    const options = loggerOptions(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'trace' }));
    if (!options || typeof options !== 'object') throw new Error('logging is off');
    const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    return { lines, log: Fastify({ logger: { ...options, stream } }).log };
  }

  it('SECURITY.md Card data: number, security code and expiry are redacted from a logged body, however it is nested', async () => {
    const { lines, log } = captureLog();
    const card = { number: '4012888888881881', cvc: '947', cvv: '0375', expiry: '12/30', name: 'Ada Lovelace' };
    log.info({ body: card }, 'a body logged by mistake');
    log.info({ form: { ...card, number: '4012 8888 8888 1881' } }, 'a form logged by mistake');
    log.info({ request: { body: card } }, 'a request-shaped object');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(3);
    // The logger's own time and pid are numbers that may hold any four digits; only what was logged counts.
    const text = lines.map((line) => JSON.stringify({ ...JSON.parse(line), time: undefined, pid: undefined })).join('\n');
    for (const secret of ['4012888888881881', '4012 8888 8888 1881', '"947"', '"0375"', '12/30']) expect(text, secret).not.toContain(secret);
    expect(JSON.parse(lines[0]!).body).toEqual({ number: '[redacted]', cvc: '[redacted]', cvv: '[redacted]', expiry: '[redacted]', name: 'Ada Lovelace' });
  });
});
