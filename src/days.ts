/**
 * Calendar days as 'yyyy-MM-dd' strings: registration dates are whole days with no time zone, and
 * strings compare, key and serialise without surprises. Pure functions (date-fns underneath).
 */
import { addDays as addDaysFns, differenceInCalendarDays, format, isValid, parse } from 'date-fns';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REF = new Date(2000, 0, 1);

// Every row is checked, and the rows of a page or a file batch share a handful of dates: remember the
// answers (date-fns parsing is the costliest step per row otherwise). Bounded: cleared when full.
const checked = new Map<string, boolean>();

export function isIsoDay(value: string): boolean {
  const known = checked.get(value);
  if (known !== undefined) return known;
  if (!DAY.test(value)) return false;
  const parsed = parse(value, 'yyyy-MM-dd', REF);
  const valid = isValid(parsed) && format(parsed, 'yyyy-MM-dd') === value;
  if (checked.size >= 50_000) checked.clear();
  checked.set(value, valid);
  return valid;
}

function toDate(day: string): Date {
  return parse(day, 'yyyy-MM-dd', REF);
}

export function addDays(day: string, n: number): string {
  return format(addDaysFns(toDate(day), n), 'yyyy-MM-dd');
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return differenceInCalendarDays(toDate(to), toDate(from));
}

/** Every day from `from` to `to` inclusive, lazily, so a 20-year range costs nothing up front. */
export function* eachDay(from: string, to: string): Generator<string> {
  for (let day = from; day <= to; day = addDays(day, 1)) yield day;
}

/** The calendar date at `now` in an IANA time zone. */
export function dayIn(now: Date, timeZone: string): string {
  // en-CA formats as yyyy-MM-dd.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * The newest day the API will serve: it refuses any range that includes "today". We do not know which
 * zone the service judges today in, so take the earlier of today in `timeZone` and in UTC.
 */
export function newestQueryableDay(now: Date, timeZone: string): string {
  const local = dayIn(now, timeZone);
  const utc = dayIn(now, 'UTC');
  return addDays(local < utc ? local : utc, -1);
}
