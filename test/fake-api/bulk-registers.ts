/**
 * Each register's bulk export: its two column lists and the record and recommendations of a
 * certificate. The ZIP builders (bulk-export.ts) take one of these; the domestic one is the file the
 * fake has always written.
 */
import { DISPLAY_COLUMNS, displayRecommendations, displayRecord } from './bulk-display.js';
import { NON_DOMESTIC_COLUMNS, nonDomesticRecommendations, nonDomesticRecord } from './bulk-non-domestic.js';
import { BULK_COLUMNS, BULK_RECOMMENDATION_COLUMNS, bulkRecommendations, bulkRecord, type BulkValues } from './bulk-record.js';
import { REPORT_RECOMMENDATION_COLUMNS } from './bulk-report.js';
import type { FakeRegister, SearchRow } from './store.js';

export interface RegisterExport {
  columns: readonly string[];
  recommendationColumns: readonly string[];
  /** The certificate's values, in `columns` order. */
  record(row: SearchRow): BulkValues;
  /** Its recommendations file rows, each in `recommendationColumns` order. */
  recommendations(row: SearchRow): BulkValues[];
}

const EXPORTS: Readonly<Record<FakeRegister, RegisterExport>> = {
  domestic: { columns: BULK_COLUMNS, recommendationColumns: BULK_RECOMMENDATION_COLUMNS, record: bulkRecord, recommendations: bulkRecommendations },
  'non-domestic': { columns: NON_DOMESTIC_COLUMNS, recommendationColumns: REPORT_RECOMMENDATION_COLUMNS, record: nonDomesticRecord, recommendations: nonDomesticRecommendations },
  display: { columns: DISPLAY_COLUMNS, recommendationColumns: REPORT_RECOMMENDATION_COLUMNS, record: displayRecord, recommendations: displayRecommendations },
};

export function registerExport(register: FakeRegister = 'domestic'): RegisterExport {
  return EXPORTS[register];
}
