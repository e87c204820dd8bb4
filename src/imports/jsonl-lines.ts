import type { Readable } from 'node:stream';

/**
 * The lines of a JSON Lines stream, numbered from 1, in constant memory. Not node:readline: it keeps a whole line
 * however long, so one hostile multi-gigabyte line would take the process down. Here a line longer than maxBytes
 * is reported as oversized (text null) and its bytes are dropped as they arrive. CR LF endings are accepted; a UTF-8
 * byte order mark at the start is skipped.
 */
export interface NumberedLine {
  line: number;
  /** null: longer than maxBytes. */
  text: string | null;
}

export const MAX_LINE_BYTES = 1024 * 1024;

export async function* jsonlLines(input: Readable, maxBytes = MAX_LINE_BYTES): AsyncGenerator<NumberedLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = false;
  let line = 0;
  const finish = (): NumberedLine => {
    line++;
    let text: string | null = null;
    if (!oversized) {
      text = Buffer.concat(parts, size).toString('utf8');
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
    }
    parts = [];
    size = 0;
    oversized = false;
    return { line, text };
  };
  const take = (chunk: Buffer) => {
    if (oversized) return;
    if (size + chunk.length > maxBytes) {
      oversized = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(chunk);
    size += chunk.length;
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, end));
      yield finish();
      start = end + 1;
    }
    if (start < chunk.length) take(Buffer.from(chunk.subarray(start)));
  }
  if (size > 0 || oversized) yield finish();
}
