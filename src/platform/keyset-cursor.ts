/**
 * The page link of a keyset-paginated list: the (time, id) of the last row shown, base64url-encoded. It names a
 * position, never an offset, so page 500 costs what page 1 does (the list's index is walked from the position).
 * Decoding checks the shape before anything reaches a query: a hostile or truncated link is null and the caller
 * answers 400 naming its parameter, never a 500 or a query with garbage in it.
 */
export interface KeysetPosition {
  /** The row's time in epoch milliseconds (placed_at, created_at…). */
  at: number;
  id: string;
}

const CURSOR_MAX = 120;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at}:${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition | null {
  // base64url only, and short: Buffer.from would skip other characters rather than refuse them.
  const text = cursor.length <= CURSOR_MAX && /^[\w-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^(\d{1,15}):([\w-]{1,64})$/.exec(text);
  return match ? { at: Number(match[1]), id: match[2]! } : null;
}
