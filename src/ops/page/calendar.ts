/**
 * The coverage calendar: one SVG heat map of a year's days for one register, a cell a day (weeks as
 * columns, Monday at the top), coloured by the day's checkpoint state, with the day's counts in a
 * `<title>` (the browser shows it on hover; screen readers read it). Pure: data in, markup out.
 *
 * Size matters more than looks: the page must stay small over the whole history, so a cell is one
 * short `<rect>` with a class, and the geometry lives in the page's stylesheet and a `<g>` per week.
 */

/** A day's state on the page: done by the API walk or by the bulk file, or why it is not done. */
export const CELL_STATES = ['api', 'bulk', 'incomplete', 'failed', 'running', 'pending'] as const;
export type CellState = (typeof CELL_STATES)[number];

export const STATE_LABELS: Readonly<Record<CellState, string>> = {
  api: 'done (API)',
  bulk: 'done (bulk file)',
  incomplete: 'incomplete',
  failed: 'failed',
  running: 'running',
  pending: 'not walked',
};

/** One checkpoint row as the page needs it (a day with no row is `pending`, with no counts). */
export interface DayCell {
  state: CellState;
  stored: number | null;
  expected: number | null;
  /** Non-domestic: certificates search counts but never serves. */
  notServed: number | null;
}

const CELL = 11;
const STEP = 13;
const LEFT = 0;
const TOP = 14;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const MS_DAY = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / MS_DAY;
const dayText = (n: number) => new Date(n * MS_DAY).toISOString().slice(0, 10);
/** 0 = Monday … 6 = Sunday. */
const weekday = (n: number) => (new Date(n * MS_DAY).getUTCDay() + 6) % 7;

function title(day: string, cell: DayCell | undefined): string {
  if (!cell) return `${day}: not walked`;
  const counts = cell.stored === null && cell.expected === null ? '' : ` ${cell.stored ?? '?'}/${cell.expected ?? '?'}`;
  const unserved = cell.notServed ? `, ${cell.notServed} not served` : '';
  return `${day}: ${STATE_LABELS[cell.state]}${counts}${unserved}`;
}

/**
 * The SVG for the days of `year` between `from` and `to` (inclusive; days outside are left blank).
 * `cells` holds the checkpoint's days by 'yyyy-MM-dd'.
 */
export function yearCalendar(year: number, from: string, to: string, cells: ReadonlyMap<string, DayCell>, label: string): string {
  const first = dayNumber(`${year}-01-01`);
  const last = dayNumber(`${year}-12-31`);
  const lo = Math.max(first, dayNumber(from));
  const hi = Math.min(last, dayNumber(to));
  const offset = weekday(first);
  const weeks = Math.ceil((last - first + 1 + offset) / 7);
  const width = LEFT + weeks * STEP;
  const parts: string[] = [];
  for (let m = 0; m < 12; m += 1) {
    const n = dayNumber(`${year}-${String(m + 1).padStart(2, '0')}-01`);
    parts.push(`<text x="${LEFT + Math.floor((n - first + offset) / 7) * STEP}" y="10">${MONTHS[m]}</text>`);
  }
  let week = -1;
  for (let n = lo; n <= hi; n += 1) {
    const w = Math.floor((n - first + offset) / 7);
    if (w !== week) {
      if (week >= 0) parts.push('</g>');
      parts.push(`<g transform="translate(${LEFT + w * STEP},${TOP})">`);
      week = w;
    }
    const day = dayText(n);
    const cell = cells.get(day);
    parts.push(`<rect y="${weekday(n) * STEP}" class="${cell?.state ?? 'pending'}"><title>${title(day, cell)}</title></rect>`);
  }
  if (week >= 0) parts.push('</g>');
  return `<svg class="cal" role="img" aria-label="${label}" width="${width}" height="${TOP + 7 * STEP}" viewBox="0 0 ${width} ${TOP + 7 * STEP}">${parts.join('')}</svg>`;
}

/** Cell geometry shared by every calendar of the page (kept out of each `<rect>` to keep the page small). */
export const CALENDAR_CSS = `svg.cal rect{width:${CELL}px;height:${CELL}px;rx:2px}svg.cal text{font-size:9px;fill:#555}`;
