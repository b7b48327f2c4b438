/**
 * The fake register: certificates with the day they were loaded (`createdAt`), so late arrivals can be
 * modelled (the real API hides rows loaded today until tomorrow), and removals, for deltas.
 */

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
}

export interface StoredCertificate {
  row: SearchRow;
  /** The day the register loaded it; visible in search from the next day. */
  createdAt: string;
  removed: boolean;
}

export interface DeltaEvent {
  certificateNumber: string;
  eventType: 'removed' | 'uprn_updated';
  timestamp: string;
}

export class FakeStore {
  /** The change feed /api/deltas serves. */
  readonly events: DeltaEvent[] = [];
  /** Certificates whose document answers 404 although the search row exists. */
  readonly missingDocuments = new Set<string>();
  private readonly byNumber = new Map<string, StoredCertificate>();
  private readonly byDay = new Map<string, Set<string>>();

  constructor(private readonly today: () => string) {}

  addCertificates(rows: readonly SearchRow[], options: { createdAt?: string } = {}): void {
    for (const row of rows) {
      const previous = this.byNumber.get(row.certificateNumber);
      if (previous) this.byDay.get(previous.row.registrationDate)?.delete(row.certificateNumber);
      this.byNumber.set(row.certificateNumber, { row: { ...row }, createdAt: options.createdAt ?? row.registrationDate, removed: false });
      let day = this.byDay.get(row.registrationDate);
      if (!day) this.byDay.set(row.registrationDate, (day = new Set()));
      day.add(row.certificateNumber);
    }
  }

  /** Cancelled or opted out: gone from search, reported by deltas. `at` is the event's ISO time. */
  removeCertificate(certificateNumber: string, at = new Date().toISOString()): void {
    const c = this.byNumber.get(certificateNumber);
    if (!c) return;
    c.removed = true;
    this.events.push({ certificateNumber, eventType: 'removed', timestamp: at });
  }

  /** A UPRN correction: the row changes and deltas report it. */
  setUprn(certificateNumber: string, uprn: number | null, at = new Date().toISOString()): void {
    const c = this.byNumber.get(certificateNumber);
    if (!c) return;
    c.row = { ...c.row, uprn };
    this.events.push({ certificateNumber, eventType: 'uprn_updated', timestamp: at });
  }

  restoreCertificate(certificateNumber: string): void {
    const c = this.byNumber.get(certificateNumber);
    if (c) c.removed = false;
  }

  updateCertificate(certificateNumber: string, patch: Partial<Omit<SearchRow, 'certificateNumber' | 'registrationDate'>>): void {
    const c = this.byNumber.get(certificateNumber);
    if (c) c.row = { ...c.row, ...patch };
  }

  get(certificateNumber: string): StoredCertificate | undefined {
    return this.byNumber.get(certificateNumber);
  }

  isVisible(c: StoredCertificate, today = this.today()): boolean {
    return !c.removed && c.createdAt < today;
  }

  /** The rows search would return for a day right now, sorted by certificate number. */
  rowsForDay(day: string): SearchRow[] {
    const today = this.today();
    return [...(this.byDay.get(day) ?? [])]
      .map((n) => this.byNumber.get(n)!)
      .filter((c) => this.isVisible(c, today))
      .map((c) => ({ ...c.row }))
      .sort((a, b) => (a.certificateNumber < b.certificateNumber ? -1 : 1));
  }

  /** Visible rows registered between two days inclusive. */
  *visibleBetween(from: string, to: string): Generator<SearchRow> {
    const today = this.today();
    for (const [day, numbers] of this.byDay) {
      if (day < from || day > to) continue;
      for (const n of numbers) {
        const c = this.byNumber.get(n)!;
        if (this.isVisible(c, today)) yield c.row;
      }
    }
  }

  get size(): number {
    return this.byNumber.size;
  }
}
