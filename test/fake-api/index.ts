export { FAKE_TOKEN, startFakeApi, type FakeApi, type FakeApiOptions, type RequestRecord, type Route } from './server.js';
export { generateDataset, generateDay } from './generate.js';
export { FakeStore, type DeltaEvent, type SearchRow, type StoredCertificate } from './store.js';
export { documentFor } from './documents.js';
export type { Fault, FaultOptions, ScriptedFault } from './faults.js';
export { bulkCsv, zipOf, type BulkFiles, type PublishedFile } from './bulk.js';
