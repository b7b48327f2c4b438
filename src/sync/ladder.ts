/**
 * The reconciliation ladder, pure: which queries to make next for a day whose rows still fall short
 * of the API's total. Every query is a group (the day plus filters); a group of at most one page comes
 * back whole, a larger one may overlap and skip. A group still short climbs its own ladder:
 *
 *   bands → councils → constituencies → addresses → address letters → postcodes → page sizes
 *
 * each rung splitting it into smaller groups from what the rows seen offer (ladder-split.ts), the
 * last re-fetching it with another page size. A group whose shortfall its sub-groups account for
 * waits for them; the topmost group they do not goes first, since its split covers its sub-groups
 * too. A group that came back whole yet short holds rows the API counts but does not serve: no other
 * query will serve them, so nobody above it chases them. The walker (walk-day.ts) does the asking and
 * stops as soon as the day is complete.
 */
import { groupKey, matches, within, type GroupFilter, type RowFacts } from './ladder-group.js';
import { SPLITS, subGroups, type Split } from './ladder-split.js';
import { refetchPageSize } from './reconcile.js';

/** Rung names: short, stable, for logs and `DayFetch.stoppedAt`. */
export type Rung = 'pages' | 'bands' | 'councils' | 'constituencies' | 'addresses' | 'address letters' | 'postcodes' | 'page sizes';

export interface Query {
  filter: GroupFilter;
  pageSize: number;
  rung: Rung;
  /** Key of the group the query is meant to complete (null for the day itself). */
  parent: string | null;
  /** Only the group's total is wanted (one row, `page_size=1`): it is too big for a page, and may hold nothing missing. */
  probe?: boolean;
}

export interface Step {
  rung: Rung;
  queries: Query[];
}

interface Group {
  filter: GroupFilter;
  key: string;
  parent: string | null;
  /** The API's totalRecords for the group, as last answered. */
  total: number;
  /** The API refused the query (HTTP 400): nothing more to learn from it. */
  refused: boolean;
  /** Every page fetched at least once (not only probed for its total). */
  fetched: boolean;
  /** The rung that made it. */
  rung: Rung;
  tried: Set<Split>;
  refetches: number;
  children: Map<Split, string[]>;
}

type Shortfalls = Map<string, number>;

export class Ladder {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly pageSize: number,
    /** Re-fetches with another page size each group gets once its filters are used up. */
    private readonly refetches: number,
  ) {}

  /** The first query: every page of the day. */
  start(): Query {
    return { filter: {}, pageSize: this.pageSize, rung: 'pages', parent: null };
  }

  /** Records a query's answer: the group's total (0 for none). */
  record(query: Query, total: number): void {
    const key = groupKey(query.filter);
    const fetched = !query.probe;
    const known = this.groups.get(key);
    if (known) {
      known.total = total;
      known.fetched ||= fetched;
      return;
    }
    const group: Group = { filter: query.filter, key, parent: query.parent, total, refused: false, fetched, rung: query.rung, tried: new Set(), refetches: 0, children: new Map() };
    this.groups.set(key, group);
    const parent = query.parent === null ? undefined : this.groups.get(query.parent);
    if (parent && query.rung !== 'page sizes') {
      const split = query.rung as Split;
      parent.children.set(split, [...(parent.children.get(split) ?? []), key]);
    }
  }

  /** The API answered the query with a 400 (a name it no longer knows, say): the group is given up. */
  refuse(query: Query): void {
    this.record(query, 0);
    this.groups.get(groupKey(query.filter))!.refused = true;
  }

  /**
   * The planned queries still worth asking: their target group still short, and not already within a
   * group known complete. Asked between batches, so the walk stops spending as soon as it can.
   */
  stillUseful(queries: readonly Query[], facts: Iterable<RowFacts>): Query[] {
    const tallies = this.tally(facts);
    const live = this.liveness(tallies);
    const wanted = (q: Query): boolean => {
      const target = q.parent === null ? undefined : this.groups.get(q.parent);
      if (!target) return true;
      if (q.rung === 'page sizes') return tallies.get(target.key)! > 0;
      // A target whose missing rows its sub-groups already account for needs no more asking.
      return this.unexplained(target, tallies, live) > 0 && !this.covered(q.filter, tallies);
    };
    return queries.filter(wanted);
  }

  /** The next queries, or null when every group still short has climbed its whole ladder. */
  next(facts: Iterable<RowFacts>): Step | null {
    const rows = [...facts];
    const tallies = this.tally(rows);
    // Planning marks rungs that split nothing off as tried; a group left with nothing to ask steps aside for its children.
    for (;;) {
      const live = this.liveness(tallies);
      const waiting = [...this.groups.values()].filter((g) => live.get(g.key) && !this.exhausted(g) && this.unexplained(g, tallies, live) > 0);
      if (waiting.length === 0) return null;
      const waitingKeys = new Set(waiting.map((g) => g.key));
      const topmost = waiting.filter((g) => !this.ancestors(g).some((a) => waitingKeys.has(a)));
      const plans = topmost.map((group) => ({ group, plan: this.plan(group, rows, tallies) }));
      const ready = plans.filter((p): p is { group: Group; plan: Step } => p.plan !== null);
      if (ready.length === 0) continue;
      const order: Rung[] = [...SPLITS, 'page sizes'];
      const rung = ready.map((p) => p.plan.rung).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0]!;
      const lists: Query[][] = [];
      for (const { group, plan } of ready) {
        if (plan.rung !== rung) continue;
        if (rung === 'page sizes') group.refetches += 1;
        else group.tried.add(rung as Split);
        lists.push(plan.queries);
      }
      // Each group's likeliest queries early: round robin over the groups climbing this rung.
      const queries: Query[] = [];
      for (let i = 0; lists.some((l) => i < l.length); i += 1) for (const l of lists) if (i < l.length) queries.push(l[i]!);
      return { rung, queries };
    }
  }

  /** The next rung of one group with something to ask, skipping rungs that would split nothing off. */
  private plan(group: Group, facts: readonly RowFacts[], tallies: Shortfalls): Step | null {
    // Probed for its total, and it fits a page after all: fetch it whole.
    if (!group.fetched && group.total <= this.pageSize) {
      group.fetched = true;
      return { rung: group.rung, queries: [{ filter: group.filter, pageSize: this.pageSize, rung: group.rung, parent: group.parent }] };
    }
    if (group.total > this.pageSize) {
      const rows = facts.filter((f) => matches(f, group.filter));
      // The rows missing are in no group known complete: split on what the rows seen outside those offer.
      const complete = [...this.groups.values()].filter((g) => !g.refused && tallies.get(g.key)! === 0);
      const outside = rows.filter((r) => !complete.some((g) => matches(r, g.filter)));
      const sample = outside.length > 0 ? outside : rows;
      for (const split of SPLITS) {
        if (group.tried.has(split)) continue;
        const queries = this.split(split, group, rows, sample, tallies);
        if (queries.length > 0) return { rung: split, queries };
        group.tried.add(split);
      }
    }
    // A group that fits one page but came back short, or one whose filters are used up: ask it again
    // with another page size (another URL past the CDN's cache, another deal of the tied rows).
    if (group.refetches >= this.refetches) return null;
    const pageSize = refetchPageSize(this.pageSize, group.refetches + 1);
    return { rung: 'page sizes', queries: [{ filter: group.filter, pageSize, rung: 'page sizes', parent: group.key }] };
  }

  /** One rung's sub-groups of the group not asked for yet and not within a group known complete. */
  private split(split: Split, group: Group, rows: RowFacts[], sample: RowFacts[], tallies: Shortfalls): Query[] {
    const f = group.filter;
    const asked = (address: string) => this.groups.has(groupKey({ ...f, address }));
    const offered = subGroups(split, { filter: f, total: group.total, pageSize: this.pageSize, rows, sample, asked });
    const fresh = (filter: GroupFilter) => !this.groups.has(groupKey(filter)) && !this.covered(filter, tallies);
    const fetch = offered.fetch.filter(fresh).map((filter) => ({ filter, pageSize: this.pageSize, rung: split, parent: group.key }));
    const probe = offered.probe.filter(fresh).map((filter) => ({ filter, pageSize: 1, rung: split, parent: group.key, probe: true }));
    // Letters: a count that finds the missing rows under one letter spares asking for the others.
    return split === 'address letters' ? [...probe, ...fetch] : [...fetch, ...probe];
  }

  /**
   * Whether groups already known complete hold every row `filter` could return: each of its council
   * and constituency names on its own within one of them (groups of names are packed differently).
   */
  private covered(filter: GroupFilter, tallies: Shortfalls): boolean {
    const complete = [...this.groups.values()].filter((g) => !g.refused && tallies.get(g.key)! === 0);
    const councils = filter.councils?.map((c) => [c]) ?? [undefined];
    const constituencies = filter.constituencies?.map((c) => [c]) ?? [undefined];
    return councils.every((c) => constituencies.every((d) => complete.some((g) => within({ ...filter, councils: c, constituencies: d }, g.filter))));
  }

  /** Each group's shortfall: its total less its rows seen (none for a group the API refused). */
  private tally(facts: Iterable<RowFacts>): Shortfalls {
    const groups = [...this.groups.values()];
    const seen = new Map(groups.map((g) => [g.key, 0]));
    for (const f of facts) for (const g of groups) if (matches(f, g.filter)) seen.set(g.key, seen.get(g.key)! + 1);
    return new Map(groups.map((g) => [g.key, g.refused ? 0 : Math.max(0, g.total - seen.get(g.key)!)]));
  }

  /** Groups still short that can still make progress, themselves or through a child. */
  private liveness(tallies: Shortfalls): Map<string, boolean> {
    const live = new Map<string, boolean>();
    const visit = (g: Group): boolean => {
      const known = live.get(g.key);
      if (known !== undefined) return known;
      let result = tallies.get(g.key)! > 0 && !g.refused && !this.exhausted(g);
      for (const keys of g.children.values()) for (const k of keys) if (visit(this.groups.get(k)!)) result ||= tallies.get(g.key)! > 0;
      live.set(g.key, result);
      return result;
    };
    for (const g of this.groups.values()) visit(g);
    return live;
  }

  /**
   * Rows missing from the group that no split of it already made accounts for: the least, over its
   * splits, of its shortfall minus its children's that are still live or that came back whole and still
   * short (the API counts rows there it does not serve: no other query will serve them either). None
   * made: all of it.
   */
  private unexplained(group: Group, tallies: Shortfalls, live: Map<string, boolean>): number {
    const short = tallies.get(group.key)!;
    const accounted = (k: string) => live.get(k) || this.wholeButShort(this.groups.get(k)!, tallies);
    let least = short;
    for (const keys of group.children.values()) {
      const explained = keys.filter(accounted).reduce((n, k) => n + tallies.get(k)!, 0);
      least = Math.min(least, Math.max(0, short - explained));
    }
    return least;
  }

  private wholeButShort(group: Group, tallies: Shortfalls): boolean {
    return group.fetched && !group.refused && group.total <= this.pageSize && tallies.get(group.key)! > 0;
  }

  /** Nothing left for the group itself to ask. */
  private exhausted(group: Group): boolean {
    if (group.refused) return true;
    if (group.refetches < this.refetches || (!group.fetched && group.total <= this.pageSize)) return false;
    return group.total <= this.pageSize || SPLITS.every((s) => group.tried.has(s));
  }

  private ancestors(group: Group): string[] {
    const out: string[] = [];
    for (let p = group.parent; p !== null; p = this.groups.get(p)?.parent ?? null) out.push(p);
    return out;
  }
}
