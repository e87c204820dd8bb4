import { api, type TestApp } from '../helpers/app.js';

/** The reference in a message's text, as a customer would read it off the message (`ABCDE-12345`). */
export function referenceIn(text: string): string {
  const found = /Message reference: ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)?.[1] ?? /\nRef ([0-9A-Z]{10})$/.exec(text)?.[1];
  if (!found) throw new Error(`no message reference in: ${text}`);
  return found;
}

export function checkReference(t: TestApp, reference: unknown, ip = '203.0.113.77') {
  return api(t, 'POST', '/api/v1/message-checks', { body: { reference }, ip });
}

/** What the record of a reference holds, straight from the table. */
export async function recordOf(t: TestApp, reference: string) {
  return t.app.deps.db.selectFrom('message_records').selectAll().where('reference', '=', reference.replace('-', '')).executeTakeFirst();
}
