import { availableParallelism } from 'node:os';

/**
 * argon2id runs on libuv's thread pool. Left alone, a burst of sign-ins puts a hash on every core and the
 * event loop — which serves every other request — waits for CPU. At most HASH_CONCURRENCY hashes run at
 * once (one core is kept for the event loop); the rest queue here, in arrival order.
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

let running = 0;
const waiting: Array<() => void> = [];

export async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
