import { createHash } from 'node:crypto';

/**
 * phpass "portable" hashes (`$P$` WordPress ≤ 6.7 and WooCommerce, `$H$` phpBB 3): iterated salted MD5 with
 * phpass's own base-64 alphabet. Written here because the npm ports carry no usable licence; checked against the
 * vectors phpass's test.php and passlib publish (test/passwords/legacy-vectors.test.ts).
 */
export const PHPASS_ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** phpass's encode64: little-endian groups of three bytes, six bits at a time. */
export function phpassEncode64(input: Buffer): string {
  let output = '';
  let i = 0;
  while (i < input.length) {
    let value = input[i++]!;
    output += PHPASS_ITOA64[value & 0x3f];
    if (i < input.length) value |= input[i]! << 8;
    output += PHPASS_ITOA64[(value >> 6) & 0x3f];
    if (i++ >= input.length) break;
    if (i < input.length) value |= input[i]! << 16;
    output += PHPASS_ITOA64[(value >> 12) & 0x3f];
    if (i++ >= input.length) break;
    output += PHPASS_ITOA64[(value >> 18) & 0x3f];
  }
  return output;
}

/** MD5 rounds run between yields, so a sign-in's 8,192 (WordPress) never holds the event loop for long. */
const ROUNDS_PER_TURN = 2048;

/** The 22-character digest phpass appends after `$P$`, the cost letter and the 8-character salt. */
export async function phpassDigest(password: string, salt: string, log2Rounds: number): Promise<string> {
  const secret = Buffer.from(password, 'utf8');
  let hash = createHash('md5').update(salt, 'latin1').update(secret).digest();
  let count = 2 ** log2Rounds;
  while (count > 0) {
    for (let turn = Math.min(count, ROUNDS_PER_TURN); turn > 0; turn--, count--) hash = createHash('md5').update(hash).update(secret).digest();
    if (count > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return phpassEncode64(hash);
}
