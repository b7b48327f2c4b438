/**
 * /api/certificate and /api/deltas for the fake. Documents are the real sample documents of each
 * schema family (test/fixtures/documents) with the certificate's own values written
 * in, so tests see realistic shapes; the non-domestic and display documents and their recommendation
 * reports are built in `register-documents.ts`. Deltas come from the store's event log.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Answer } from './http.js';
import { certificateOfReport, registerDocument, reportDocument } from './register-documents.js';
import type { FakeStore, SearchRow } from './store.js';

const SAMPLES = new URL('../fixtures/documents/', import.meta.url);

let templates: Map<string, Record<string, unknown>> | null = null;
function documentTemplates(): Map<string, Record<string, unknown>> {
  if (!templates) {
    templates = new Map();
    for (const file of readdirSync(SAMPLES).filter((f) => f.endsWith('__epc.json') || f.endsWith('__sap.json') || f.endsWith('__rdsap.json'))) {
      if (file.startsWith('export__')) continue;
      templates.set(file.split('__')[0]!, JSON.parse(readFileSync(new URL(file, SAMPLES), 'utf8')) as Record<string, unknown>);
    }
  }
  return templates;
}

/** The sample of the same schema, else the newest of the same family (RdSAP or SAP). */
function templateFor(schemaType: string | null): Record<string, unknown> {
  const all = documentTemplates();
  const exact = schemaType ? all.get(schemaType) : undefined;
  if (exact) return exact;
  const family = schemaType?.startsWith('SAP') ? 'SAP-Schema-19.2.0' : 'RdSAP-Schema-21.0.1';
  return all.get(family) ?? [...all.values()][0]!;
}

export function documentFor(row: SearchRow, floorArea: number): Record<string, unknown> {
  const doc = structuredClone(templateFor(row.schemaType));
  return {
    ...doc,
    schema_type: row.schemaType,
    registration_date: row.registrationDate,
    uprn: row.uprn,
    uprn_source: row.uprn === null ? '' : 'Address Matched',
    current_energy_efficiency_band: row.currentEnergyEfficiencyBand,
    total_floor_area: floorArea,
    address_line_1: row.addressLine1,
    postcode: row.postcode,
  };
}

const NOT_FOUND: Answer = { status: 404, body: { data: { error: 'Certificate not found' } } };

export function certificateRoute(params: URLSearchParams, store: FakeStore): Answer {
  const number = params.get('certificate_number') ?? '';
  if (store.missingDocuments.has(number)) return NOT_FOUND;
  const found = store.get(number);
  if (!found) {
    // A non-domestic or display certificate's recommendation report is a document of its own.
    const certificate = certificateOfReport(store, number);
    return certificate && !certificate.removed ? { status: 200, body: { data: reportDocument(certificate) } } : NOT_FOUND;
  }
  if (found.removed) return NOT_FOUND;
  if (found.register !== 'domestic') return { status: 200, body: { data: registerDocument(found) } };
  // Floor area varies by certificate but is stable for it.
  const floorArea = 30 + (Number(number.replace(/\D/g, '').slice(-4)) % 120);
  return { status: 200, body: { data: documentFor(found.row, floorArea) } };
}

export function deltasRoute(params: URLSearchParams, store: FakeStore, today: string): Answer {
  const from = params.get('date_start');
  const to = params.get('date_end');
  if (!from || !to) return { status: 400, body: { data: { error: 'The search query was invalid - please provide a valid date range' } } };
  if (to >= today) return { status: 400, body: { data: { error: 'The search query was invalid - the date cannot include today' } } };
  const events = store.events.filter((e) => e.timestamp.slice(0, 10) >= from && e.timestamp.slice(0, 10) <= to);
  if (events.length === 0) return { status: 404, body: { data: { error: 'No audit logs could be found for that query' } } };
  return { status: 200, body: { data: [...events].sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1)) } };
}
