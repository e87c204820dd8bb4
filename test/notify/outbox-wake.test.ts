import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Deps } from '../../src/platform/context.js';
import { inTransaction } from '../../src/platform/db/transaction.js';
import { enqueueMessage } from '../../src/notify/enqueue.js';
import { signupConfirmationEmail } from '../../src/signup/messages.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * The outbox door (notify/enqueue.ts) wakes the delivery worker itself, through the transaction-bound deps: the
 * wake waits for the commit, so the worker finds the row when it looks, and a change that rolls back sends
 * nothing and wakes nothing.
 */
describe('outbox wake', () => {
  let t: TestApp;
  let wakes: number;
  let deps: Deps;

  beforeEach(async () => {
    t = await createTestApp();
    wakes = 0;
    deps = { ...t.app.deps, notifyOutbox: () => void wakes++ };
  });

  afterEach(async () => {
    await t.close();
  });

  const message = (to: string) => signupConfirmationEmail({ to, code: '271828', link: 'https://shop.example/c', publicUrl: 'https://shop.example' });
  const outbox = () => t.app.deps.db.selectFrom('outbox').select(['recipient', 'status']).execute();

  it('a message queued in a transaction that rolls back wakes nothing and is never sent', async () => {
    await expect(
      inTransaction(deps, async (tx) => {
        await enqueueMessage(tx, message('rolled-back@example.com'), { kind: 'account_mail' });
        throw new Error('the change failed after queueing its message');
      }),
    ).rejects.toThrow('the change failed');
    expect(wakes).toBe(0);
    expect(await outbox()).toEqual([]);
  });

  it('a message queued in a transaction wakes the worker once, after the commit', async () => {
    await inTransaction(deps, async (tx) => {
      await enqueueMessage(tx, message('first@example.com'), { kind: 'account_mail' });
      await enqueueMessage(tx, message('second@example.com'), { kind: 'account_mail' });
      expect(wakes).toBe(0);
    });
    expect(wakes).toBe(1);
  });

  it('a committed message is delivered without waiting for the poll interval', async () => {
    // The test app's worker does not poll at all (main.ts starts the poll): only the wake can deliver it.
    await inTransaction(t.app.deps, (tx) => enqueueMessage(tx, message('woken@example.com'), { kind: 'account_mail' }));
    await vi.waitFor(async () => expect(await outbox()).toEqual([{ recipient: 'woken@example.com', status: 'sent' }]), { timeout: 2000, interval: 20 });
  });
  it('work handed to afterCommit runs once the commit is visible to another connection, and never after a rollback', async () => {
    const seen: string[] = [];
    await expect(
      inTransaction(deps, async (tx) => {
        tx.afterCommit!(() => seen.push('rolled back'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    let visible: Promise<unknown> | undefined;
    await inTransaction(deps, async (tx) => {
      await enqueueMessage(tx, message('after-commit@example.com'), { kind: 'account_mail' });
      tx.afterCommit!(() => {
        seen.push('committed');
        visible = outbox();
      });
      // Joined, not nested: an inner call hands its work to the outer transaction.
      await inTransaction(tx, async (inner) => inner.afterCommit!(() => seen.push('joined')));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['committed', 'joined']);
    expect(await visible).toEqual([{ recipient: 'after-commit@example.com', status: 'pending' }]);
  });
});
