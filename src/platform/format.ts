/** How times are written for machines and for people: the same in every feature, JSON, page and message. */

/** A JSON timestamp: ISO 8601 in UTC, to the millisecond. */
export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `26 November 2026, 14:05 UTC`: unambiguous for every reader, whatever their locale. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}
