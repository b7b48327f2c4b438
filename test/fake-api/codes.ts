/**
 * /api/codes and /api/codes/info for the fake, as the service answers them
 * (epb-data-warehouse: `lib/controller/codes_controller.rb`, `lib/use_case/fetch_lookup_values.rb`,
 * `lib/domain/lookup_values.rb`, `lib/gateway/assessment_lookups_gateway.rb`): the attribute names in
 * alphabetical order; one attribute's keys in the order the lookup holds them, each with its values
 * per schema version and assessment type, camelCase; `key` and `schemaVersion` filter exactly; no
 * match is a JSON 404. The values are the service's own lookup data (test/fixtures/codes.csv), so a
 * key whose meaning differs by schema version or between SAP and RdSAP does so here too.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Answer } from './http.js';
import type { FakeStore } from './store.js';

export interface FakeCode {
  attribute: string;
  key: string;
  schemaVersion: string;
  assessmentType: string;
  value: string;
}

const FIXTURE = new URL('../fixtures/codes.csv', import.meta.url);

let fixture: FakeCode[] | null = null;
function fixtureCodes(): FakeCode[] {
  fixture ??= (parse(readFileSync(FIXTURE, 'utf8'), { columns: true }) as Array<Record<string, string>>).map((r) => ({
    attribute: r.attribute!,
    key: r.key!,
    schemaVersion: r.schema_version!,
    assessmentType: r.assessment_type!,
    value: r.value!,
  }));
  return fixture;
}

/** The lookup one fake API serves; tests change it to see a refresh replace what was stored. */
export class FakeCodes {
  rows: FakeCode[] = fixtureCodes().map((c) => ({ ...c }));

  attributes(): string[] {
    return [...new Set(this.rows.map((r) => r.attribute))].sort();
  }

  /** The register stops defining a key (in every schema version). */
  withdraw(attribute: string, key: string): void {
    this.rows = this.rows.filter((r) => r.attribute !== attribute || r.key !== key);
  }

  /** A new meaning, or a new wording of an existing one. */
  set(code: FakeCode): void {
    this.withdrawOne(code);
    this.rows.push({ ...code });
  }

  private withdrawOne(c: Omit<FakeCode, 'value'>): void {
    this.rows = this.rows.filter(
      (r) => !(r.attribute === c.attribute && r.key === c.key && r.schemaVersion === c.schemaVersion && r.assessmentType === c.assessmentType),
    );
  }
}

const perFake = new WeakMap<FakeStore, FakeCodes>();

/** The codes of the fake API that owns `store` (each fake starts with the full fixture). */
export function fakeCodes(store: FakeStore): FakeCodes {
  let codes = perFake.get(store);
  if (!codes) {
    codes = new FakeCodes();
    perFake.set(store, codes);
  }
  return codes;
}

const NO_CODES: Answer = { status: 404, body: { data: { error: 'No codes could be found for that query' } } };

export function codesRoute(path: string, params: URLSearchParams, codes: FakeCodes): Answer | null {
  if (path === '/api/codes') return { status: 200, body: { data: codes.attributes() } };
  if (path !== '/api/codes/info') return null;
  const name = params.get('code');
  const key = params.get('key');
  const schemaVersion = params.get('schemaVersion');
  const rows = codes.rows.filter(
    (r) => r.attribute === name && (key === null || r.key === key) && (schemaVersion === null || r.schemaVersion === schemaVersion),
  );
  if (rows.length === 0) return NO_CODES;
  const byKey = new Map<string, Array<{ value: string; schemaVersion: string; assessmentType: string }>>();
  for (const r of rows) {
    const values = byKey.get(r.key) ?? [];
    values.push({ value: r.value, schemaVersion: r.schemaVersion, assessmentType: r.assessmentType });
    byKey.set(r.key, values);
  }
  return { status: 200, body: { data: [...byKey].map(([k, values]) => ({ key: k, values })) } };
}
