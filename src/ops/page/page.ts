/**
 * The coverage page served at `/` of the ops port: for each register, the verdict `status` prints,
 * the facts an operator checks every morning (newest complete day, lag, deltas frontier, last bulk
 * import, oldest re-verified day), a year-by-month overview of the whole history, the chosen year's
 * calendar a cell a day, and the last runs. Server-rendered HTML with inline SVG and CSS: no script,
 * nothing fetched from anywhere, readable without JavaScript. It shows counts and states only, never
 * an address or any other content of a certificate. Pure: data in, markup out.
 */
import { CALENDAR_CSS, CELL_STATES, STATE_LABELS, yearCalendar, type CellState, type DayCell } from './calendar.js';

export interface MonthSummary {
  /** yyyy-MM */
  month: string;
  /** Days of the month by state; days up to yesterday with no checkpoint row count as `pending`. */
  counts: Partial<Record<CellState, number>>;
}

export interface RecentRun {
  id: number;
  kind: string;
  outcome: string;
  startedAt: string;
  finishedAt: string | null;
  rows: number;
  daysDone: number;
  requests: number;
}

export interface RegisterCoverage {
  register: string;
  verdict: string;
  healthy: boolean;
  /** The first day of the mirror's history and yesterday: the calendar's span. */
  firstDay: string;
  lastDay: string;
  newestDoneDay: string | null;
  daysBehind: number | null;
  deltaFrontier: string | null;
  lastBulkImport: { finishedAt: string | null; fileDate: string | null; cutoffDay: string | null; status: string } | null;
  oldestVerification: { day: string; verifiedAt: string | null } | null;
  /** Non-domestic: certificates search counts but never serves, over every day. */
  notServed: number;
  months: MonthSummary[];
  /** The year the calendar shows, and its days. */
  year: number;
  days: ReadonlyMap<string, DayCell>;
  runs: RecentRun[];
}

export interface CoveragePage {
  generatedAt: string;
  version: string;
  registers: RegisterCoverage[];
}

const COLOURS: Readonly<Record<CellState, string>> = {
  api: '#2e8540',
  bulk: '#7cc48b',
  incomplete: '#f0b400',
  failed: '#d4351c',
  running: '#1d70b8',
  pending: '#dcdcdc',
};

/** The month's colour: its worst day (a failed day must not hide among thirty done ones). */
const WORST_FIRST: readonly CellState[] = ['failed', 'incomplete', 'running', 'pending', 'bulk', 'api'];

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (value: number) => value.toLocaleString('en-GB');

function worst(counts: MonthSummary['counts']): CellState {
  return WORST_FIRST.find((s) => (counts[s] ?? 0) > 0) ?? 'pending';
}

function monthTitle(m: MonthSummary): string {
  const parts = CELL_STATES.filter((s) => (m.counts[s] ?? 0) > 0).map((s) => `${m.counts[s]} ${STATE_LABELS[s]}`);
  return `${m.month}: ${parts.join(', ') || 'no days'}`;
}

function overview(r: RegisterCoverage, yearHref: (year: number) => string): string {
  const byYear = new Map<number, Map<number, MonthSummary>>();
  for (const m of r.months) {
    const year = Number(m.month.slice(0, 4));
    if (!byYear.has(year)) byYear.set(year, new Map());
    byYear.get(year)!.set(Number(m.month.slice(5, 7)), m);
  }
  const years = [...byYear.keys()].sort((a, b) => b - a);
  const rows = years.map((year) => {
    const cells = Array.from({ length: 12 }, (_, i) => {
      const m = byYear.get(year)!.get(i + 1);
      return m ? `<td class="${worst(m.counts)}" title="${esc(monthTitle(m))}"></td>` : '<td></td>';
    }).join('');
    const current = year === r.year ? ' aria-current="page"' : '';
    return `<tr><th><a href="${yearHref(year)}"${current}>${year}</a></th>${cells}</tr>`;
  });
  return `<table class="years"><caption>Months by their worst day (hover for counts; pick a year for its days)</caption><tr><th></th>${'JFMAMJJASOND'
    .split('')
    .map((l) => `<th>${l}</th>`)
    .join('')}</tr>${rows.join('')}</table>`;
}

function duration(run: RecentRun): string {
  if (!run.finishedAt) return 'running';
  const s = Math.max(0, Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

function runsTable(runs: readonly RecentRun[]): string {
  if (runs.length === 0) return '<p>No runs yet.</p>';
  const rows = runs.map(
    (r) =>
      `<tr><td>${r.id}</td><td>${esc(r.kind)}</td><td class="o-${esc(r.outcome)}">${esc(r.outcome)}</td><td>${esc(r.startedAt.slice(0, 16).replace('T', ' '))}</td><td>${duration(r)}</td><td>${n(r.daysDone)}</td><td>${n(r.rows)}</td><td>${n(r.requests)}</td></tr>`,
  );
  return `<table class="runs"><caption>Last runs</caption><tr><th>#</th><th>kind</th><th>outcome</th><th>started (UTC)</th><th>took</th><th>days done</th><th>rows</th><th>requests</th></tr>${rows.join('')}</table>`;
}

function facts(r: RegisterCoverage): string {
  const items: Array<[string, string]> = [
    ['Newest complete day', r.newestDoneDay ?? 'none yet'],
    ['Lag', r.daysBehind === null ? 'unknown' : `${r.daysBehind} day${r.daysBehind === 1 ? '' : 's'} behind yesterday (${r.lastDay})`],
    ['Deltas applied up to', r.deltaFrontier ?? 'never'],
    [
      'Last bulk import',
      r.lastBulkImport
        ? `${r.lastBulkImport.status}${r.lastBulkImport.finishedAt ? ` ${r.lastBulkImport.finishedAt.slice(0, 10)}` : ''}; file of ${r.lastBulkImport.fileDate?.slice(0, 10) ?? 'unknown date'}, days up to ${r.lastBulkImport.cutoffDay ?? '—'}`
        : 'none',
    ],
  ];
  if (r.oldestVerification) {
    items.push(['Oldest re-verified day', `${r.oldestVerification.day} (${r.oldestVerification.verifiedAt ? `verified ${r.oldestVerification.verifiedAt.slice(0, 10)}` : 'never verified'})`]);
  }
  if (r.notServed > 0) items.push(['Not served by search', `${n(r.notServed)} certificates (no recommendation report; the bulk file brings them)`]);
  return `<dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function section(r: RegisterCoverage, yearHref: (year: number) => string): string {
  const calendar = yearCalendar(r.year, r.firstDay, r.lastDay, r.days, `${r.register} days of ${r.year}`);
  return `<section id="${esc(r.register)}"><h2>${esc(r.register)}</h2><p class="verdict ${r.healthy ? 'ok' : 'bad'}">${esc(r.verdict)}</p>${facts(r)}${overview(
    r,
    yearHref,
  )}<h3>${r.year}, day by day</h3>${calendar}${runsTable(r.runs)}</section>`;
}

function legend(): string {
  return `<p class="legend">${CELL_STATES.map((s) => `<span><i class="${s}"></i>${STATE_LABELS[s]}</span>`).join('')}</p>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#0b0c0c;max-width:60em}h1{font-size:1.4em}h2{margin-top:1.5em;border-bottom:1px solid #ccc}
.verdict{font-weight:bold;padding:.3em .6em;display:inline-block}.verdict.ok{background:#e6f4ea}.verdict.bad{background:#fde8e4}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dt{color:#555}dd{margin:0}
table{border-collapse:collapse;margin:.6em 0}caption{text-align:left;color:#555;font-size:.9em}th,td{padding:1px 4px;font-size:.85em}
table.years td{width:14px;height:12px;padding:0;border:1px solid #fff}table.runs td,table.runs th{border-bottom:1px solid #eee;text-align:right}
.legend span{margin-right:1em}.legend i{display:inline-block;width:11px;height:11px;margin-right:3px;vertical-align:middle}
${CELL_STATES.map((s) => `.${s}{fill:${COLOURS[s]};background:${COLOURS[s]}}`).join('')}${CALENDAR_CSS}`;

/** The whole page. `yearHref` makes the year links (the server keeps them to `?year=YYYY`). */
export function renderCoveragePage(page: CoveragePage, yearHref: (year: number) => string = (y) => `?year=${y}`): string {
  const nav = page.registers.map((r) => `<a href="#${esc(r.register)}">${esc(r.register)}</a>`).join(' · ');
  const body = page.registers.length === 0 ? '<p>No register is configured.</p>' : page.registers.map((r) => section(r, yearHref)).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>epc-sync coverage</title><style>${STYLE}</style></head><body><h1>epc-sync: what the mirror holds</h1><p>${nav} · generated ${esc(
    page.generatedAt.slice(0, 19).replace('T', ' '),
  )} UTC by epc-sync ${esc(page.version)} · <a href="/status.json">status.json</a> · <a href="/metrics">metrics</a></p>${legend()}${body}</body></html>`;
}
