/** The fake EPB Data API for tests, benchmarks and demos. Imports nothing from src/. */
export { FAKE_TOKEN, startFakeApi, type FakeApi, type FakeApiOptions, type RequestRecord, type Route } from './server.js';
export { PLACES, generateDataset, generateDay, generateRegisterDay, weekdayWeighted, type GenerateDayOptions, type RegisterDayOptions } from './generate.js';
export { FakeStore, toSearchRow, type DeltaEvent, type FakeRegister, type FakeStoreOptions, type NewCertificate, type SearchRow, type StoredCertificate } from './store.js';
export { SEARCH_ERRORS } from './search.js';
export { documentFor } from './documents.js';
export type { Fault, FaultOptions, FaultRequest, ScriptedFault } from './faults.js';
export type { RateLimit } from './rate-limit.js';
export { addDays, eachDay, isWeekend, londonToday } from './days.js';
export {
  BULK_COLUMNS, BULK_RECOMMENDATION_COLUMNS, bulkCsv, bulkCsvChunks, bulkRecommendations, bulkRecord, bulkZip, sparkCsvLine, writeBulkZip, zipOf,
  DEFAULT_DEC_RATING, DISPLAY_COLUMNS, NON_DOMESTIC_COLUMNS, REPORT_RECOMMENDATION_COLUMNS, displayRecommendations, displayRecord,
  nonDomesticRecommendations, nonDomesticRecord, registerExport, reportBand,
  type BulkFiles, type BulkValues, type BulkZipOptions, type PublishedFile, type RegisterExport, type WriteBulkZipOptions, type WrittenBulkZip,
} from './bulk.js';
