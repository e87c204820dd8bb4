/**
 * Times the shop sends (`placed_at` on imports, `at` on a status change): an RFC 3339 instant with its offset,
 * e.g. 2026-01-15T12:00:00Z or 2026-01-15T13:00:00.250+01:00. Dates that don't exist (30 February, 24:00) are
 * refused rather than rolled over the way Date.parse does, and a time without an offset is refused because
 * it names a different instant in every time zone.
 */
const SHAPE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A shop's clock may run a little ahead of ours; beyond this a time "in the future" is a mistake. */
export const CLOCK_SKEW_MS = 60_000;

export function parseInstant(value: string): number | null {
  const match = SHAPE.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const midnight = Date.UTC(year, month - 1, day);
  if (new Date(midnight).getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (zone!.toUpperCase() !== 'Z') {
    const [oh, om] = zone!.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const millis = Number(frac.padEnd(3, '0'));
  return midnight + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offsetMinutes * 60_000;
}

/** Why a shop-sent time can't be used, or null when it can: an instant between 1970 and now (plus skew). */
export function instantProblem(value: string, now: number): string | null {
  const at = parseInstant(value);
  if (at === null) return 'Use an ISO 8601 time with its offset, like 2026-01-15T12:00:00Z.';
  if (at < 0) return 'This time is before 1970.';
  if (at > now + CLOCK_SKEW_MS) return 'This time is in the future.';
  return null;
}
