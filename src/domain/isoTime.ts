// ISO 8601 text of an epoch-ms time, exactly as Date's toISOString writes it (`2025-01-15T12:00:00.000Z`), without
// making a Date: an expanded page writes one for every Tweet, user and poll it shows, and toISOString costs about four
// times this arithmetic.

const DAY = 86_400_000;
/** 9999-12-31T23:59:59.999Z: past it toISOString writes a six-digit year, which the fallback keeps. */
const FOUR_DIGIT_YEARS_END = 253_402_300_800_000;

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

export function isoTime(ms: number): string {
  // 1970 to 9999: four-digit years, no sign. Outside them Date writes it.
  if (!(ms >= 0 && ms < FOUR_DIGIT_YEARS_END)) return new Date(ms).toISOString();
  // Date keeps whole milliseconds, truncated.
  const t = Math.trunc(ms);
  const days = Math.floor(t / DAY);
  let rest = t - days * DAY;
  // The civil date of a day count (Howard Hinnant's civil_from_days): eras of 400 years from 0000-03-01.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${year}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
