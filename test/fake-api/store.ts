/**
 * The fake register. Each certificate keeps, beside its search row, the metadata later endpoints need:
 * the day the warehouse loaded it (`createdAt`: the real search hides rows loaded today, which is how
 * late arrivals happen), a removed flag (cancelled or opted out: gone from search, reported by
 * deltas) and the change events /api/deltas serves.
 */
import { addDays } from './days.js';

/** One row of /api/domestic/search, in the key order the API sends. */
export interface SearchRow {
  certificateNumber: string;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
  postcode: string | null;
  postTown: string | null;
  council: string | null;
  constituency: string | null;
  currentEnergyEfficiencyBand: string | null;
  registrationDate: string;
  uprn: number | null;
  schemaType: string | null;
  /**
   * Non-domestic only (`cr.related_rrn`, last, as the gateway appends it): the recommendation
   * report. A non-domestic certificate without one (null) is counted by search but never served.
   */
  relatedRrn?: string | null;
}

/** The registers the API serves; a certificate belongs to one. */
export type FakeRegister = 'domestic' | 'non-domestic' | 'display';

/** What `addCertificates` takes: a search row, optionally with the day it was loaded. */
export type NewCertificate = SearchRow & { createdAt?: string };

export interface StoredCertificate {
  register: FakeRegister;
  row: SearchRow;
  /** The day the register loaded it; hidden from search on that day and before. */
  createdAt: string;
  removed: boolean;
}

export interface DeltaEvent {
  certificateNumber: string;
  eventType: 'removed' | 'uprn_updated';
  timestamp: string;
}

/**
 * Only the API's fields, in the API's order, whatever the input carried (the Exeter sample has
 * rating/floorArea/transactionType, a caller may pass createdAt): the served JSON then has the real
 * key order without any work at answer time.
 */
export function toSearchRow(r: SearchRow, register: FakeRegister = 'domestic'): SearchRow {
  const row: SearchRow = {
    certificateNumber: r.certificateNumber,
    addressLine1: r.addressLine1 ?? null,
    addressLine2: r.addressLine2 ?? null,
    addressLine3: r.addressLine3 ?? null,
    addressLine4: r.addressLine4 ?? null,
    postcode: r.postcode ?? null,
    postTown: r.postTown ?? null,
    council: r.council ?? null,
    constituency: r.constituency ?? null,
    currentEnergyEfficiencyBand: r.currentEnergyEfficiencyBand ?? null,
    registrationDate: r.registrationDate,
    uprn: r.uprn ?? null,
    schemaType: r.schemaType ?? null,
  };
  if (register === 'non-domestic') row.relatedRrn = r.relatedRrn ?? null;
  return row;
}

export interface FakeStoreOptions {
  /**
   * Days between registration and loading when a row gives no createdAt. 0 (the default) loads a
   * certificate on its registration day, so yesterday's rows are searchable today, as the real
   * warehouse (fed from the register's queue as certificates are lodged) behaves. 1 models an
   * overnight load: yesterday stays empty until tomorrow.
   */
  loadDelayDays?: number;
}

export class FakeStore {
  /** The change feed /api/deltas serves. */
  readonly events: DeltaEvent[] = [];
  /** Certificates whose document answers 404 although the search row exists. */
  readonly missingDocuments = new Set<string>();
  /** Every council and constituency name ever seen: the fake's stand-in for the ONS name lists the real search validates against. */
  readonly councils = new Map<string, string>();
  readonly constituencies = new Map<string, string>();
  private readonly byNumber = new Map<string, StoredCertificate>();
  private readonly byDay = new Map<string, Set<string>>();
  private readonly loadDelayDays: number;

  constructor(
    private readonly today: () => string,
    options: FakeStoreOptions = {},
  ) {
    this.loadDelayDays = options.loadDelayDays ?? 0;
  }

  /**
   * Adds (or replaces, by certificate number) certificates. `createdAt` comes from the row, else from
   * `options`, else registration date + loadDelayDays.
   */
  addCertificates(rows: readonly NewCertificate[], options: { createdAt?: string; register?: FakeRegister } = {}): void {
    const register = options.register ?? 'domestic';
    for (const input of rows) {
      const row = toSearchRow(input, register);
      const previous = this.byNumber.get(row.certificateNumber);
      if (previous) this.byDay.get(previous.row.registrationDate)?.delete(row.certificateNumber);
      const createdAt = input.createdAt ?? options.createdAt ?? addDays(row.registrationDate, this.loadDelayDays);
      this.byNumber.set(row.certificateNumber, { register, row, createdAt, removed: false });
      let day = this.byDay.get(row.registrationDate);
      if (!day) this.byDay.set(row.registrationDate, (day = new Set()));
      day.add(row.certificateNumber);
      this.knowNames(row);
    }
  }

  /** Cancelled or opted out: gone from search, reported by deltas. `at` is the event's ISO time. */
  removeCertificate(certificateNumber: string, at = new Date().toISOString()): void {
    const c = this.byNumber.get(certificateNumber);
    if (!c) return;
    c.removed = true;
    this.events.push({ certificateNumber, eventType: 'removed', timestamp: at });
  }

  /**
   * Gone from search with no event (a removal the change feed never reported): only a full walk of its
   * day can notice. `restoreCertificate` brings it back.
   */
  hideCertificate(certificateNumber: string): void {
    const c = this.byNumber.get(certificateNumber);
    if (c) c.removed = true;
  }

  /** Back in the register (an opt-out withdrawn): visible again, no event. */
  restoreCertificate(certificateNumber: string): void {
    const c = this.byNumber.get(certificateNumber);
    if (c) c.removed = false;
  }

  /** A UPRN correction: the row changes and deltas report it. */
  setUprn(certificateNumber: string, uprn: number | null, at = new Date().toISOString()): void {
    const c = this.byNumber.get(certificateNumber);
    if (!c) return;
    c.row = { ...c.row, uprn };
    this.events.push({ certificateNumber, eventType: 'uprn_updated', timestamp: at });
  }

  /** Changes a row in place, silently (address re-matching, say). The registration date cannot change. */
  updateCertificate(certificateNumber: string, patch: Partial<Omit<SearchRow, 'certificateNumber' | 'registrationDate'>>): void {
    const c = this.byNumber.get(certificateNumber);
    if (!c) return;
    c.row = toSearchRow({ ...c.row, ...patch, certificateNumber: c.row.certificateNumber, registrationDate: c.row.registrationDate }, c.register);
    this.knowNames(c.row);
  }

  get(certificateNumber: string): StoredCertificate | undefined {
    return this.byNumber.get(certificateNumber);
  }

  /** Searchable now: not removed, and loaded before today. */
  isVisible(c: StoredCertificate, today = this.today()): boolean {
    return !c.removed && c.createdAt < today;
  }

  /**
   * The certificates of a register a day holds right now (copies), sorted by certificate number:
   * for non-domestic, those without a report too (search counts them, never serves them).
   */
  rowsForDay(day: string, register: FakeRegister = 'domestic'): SearchRow[] {
    const today = this.today();
    return [...(this.byDay.get(day) ?? [])]
      .map((n) => this.byNumber.get(n)!)
      .filter((c) => c.register === register && this.isVisible(c, today))
      .map((c) => ({ ...c.row }))
      .sort((a, b) => (a.certificateNumber < b.certificateNumber ? -1 : 1));
  }

  /** Registration days holding any certificate, newest first (the search's ORDER BY). */
  daysDescending(from = '0000-00-00', to = '9999-99-99'): string[] {
    return [...this.byDay.keys()].filter((d) => d >= from && d <= to).sort().reverse();
  }

  /** Visible rows of a register (live objects: do not mutate) registered on one day, in insertion order. */
  *visibleOnDay(day: string, today = this.today(), register: FakeRegister = 'domestic'): Generator<SearchRow> {
    for (const n of this.byDay.get(day) ?? []) {
      const c = this.byNumber.get(n)!;
      if (c.register === register && this.isVisible(c, today)) yield c.row;
    }
  }

  /** Visible rows of a register registered between two days inclusive, newest day first. */
  *visibleBetween(from: string, to: string, register: FakeRegister = 'domestic'): Generator<SearchRow> {
    const today = this.today();
    for (const day of this.daysDescending(from, to)) yield* this.visibleOnDay(day, today, register);
  }

  get size(): number {
    return this.byNumber.size;
  }

  private knowNames(row: SearchRow): void {
    if (row.council !== null) this.councils.set(row.council.toLowerCase(), row.council);
    if (row.constituency !== null) this.constituencies.set(row.constituency.toLowerCase(), row.constituency);
  }
}
