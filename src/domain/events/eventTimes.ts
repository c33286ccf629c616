// The time formats the event endpoints take. Their replies write times with isoTime (src/domain/isoTime.ts): ISO 8601
// with milliseconds, `.000Z` as X's examples write them.

/** `yyyymmddhhmm` (UTC) as X's replay takes it, to epoch ms of the minute's start; null when it is not one. */
export function parseMinute(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March: a date that does not exist is refused, not moved.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) return null;
  return ms;
}
