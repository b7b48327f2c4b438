/**
 * The database schema. drizzle-kit generates the migrations in `drizzle/` from this file; views and
 * checks that drizzle-kit cannot express live in hand-written migrations beside them.
 *
 * Every table is keyed by `register` as well: the domestic, non-domestic and display registers share
 * the search shape, so they share the tables. Each register's bulk-file columns are typed columns of
 * `certificates` (declared in `registers/`), and the per-register views of migration 0015 show each
 * register's own columns under the file's names.
 */
import { sql } from 'drizzle-orm';
import { DETAIL_COLUMNS } from '../registers/index.js';
import type { Field } from '../registers/field.js';
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A detail column of the bulk file, typed as its declaration says (`registers/`). */
function detailColumn(field: Field) {
  switch (field.type) {
    case 'integer':
      return integer(field.column);
    case 'real':
      return real(field.column);
    case 'date':
      return date(field.column, { mode: 'string' });
    case 'timestamptz':
      return timestamp(field.column, { withTimezone: true, mode: 'string' });
    case 'uprn':
      return bigint(field.column, { mode: 'number' });
    // The id of an `epc_terms` row.
    case 'term':
      return integer(field.column);
    default:
      return text(field.column);
  }
}

/** Every column the registers' bulk files have and the search row has not (floor area, heating, costs…), typed. */
const detailColumns = Object.fromEntries(DETAIL_COLUMNS.map((field) => [field.column, detailColumn(field)])) as Record<
  string,
  ReturnType<typeof detailColumn>
>;

export const certificates = pgTable(
  'certificates',
  {
    // Collation "C" (0016): digits and dashes sort the same, and byte order makes the key cheaper to write.
    certificateNumber: text('certificate_number').primaryKey(),
    register: text('register').notNull().default('domestic'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    addressLine3: text('address_line3'),
    addressLine4: text('address_line4'),
    postcode: text('postcode'),
    postTown: text('post_town'),
    council: text('council'),
    constituency: text('constituency'),
    currentEnergyEfficiencyBand: text('current_energy_efficiency_band'),
    registrationDate: date('registration_date', { mode: 'string' }).notNull(),
    uprn: bigint('uprn', { mode: 'number' }),
    schemaType: text('schema_type'),
    /**
     * Non-domestic: the certificate's recommendation report (search's `relatedRrn`, the document's
     * `related_certificate_number`). Search serves only certificates that have one.
     */
    relatedCertificateNumber: text('related_certificate_number'),
    /** When this mirror first stored the certificate. */
    firstSeenAt: tstz('first_seen_at').notNull().defaultNow(),
    /** When a field of the search row last changed (not touched by an identical re-fetch). */
    lastChangedAt: tstz('last_changed_at').notNull().defaultNow(),
    /** When a walk of its day last saw it in the API. */
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    /** The full certificate document from /api/certificate, as sent (snake_case keys). */
    document: jsonb('document'),
    documentFetchedAt: tstz('document_fetched_at'),
    /** null: not fetched yet; fetched | not_found | failed (the last two are retried next run). */
    documentStatus: text('document_status').$type<DocumentStatus>(),
    documentError: text('document_error'),
    /** Set when the API's deltas report the certificate removed (cancelled or opted out); never deleted. */
    removedAt: tstz('removed_at'),
    /**
     * Set when an exact walk of its registration day no longer finds it and no removal was reported;
     * cleared when search serves it again or a removal explains it. Never deleted.
     */
    missingSince: tstz('missing_since'),
    /** Where the typed columns last came from: 'api' (live) or 'bulk' (the monthly file, never allowed to overwrite 'api'). */
    source: text('source').notNull().default('api'),
    /**
     * What the typed columns cannot hold, so nothing of the file is lost: columns the file gained
     * after this release, and values a typed column could not read (e.g. text in a number column).
     * NULL for almost every row.
     */
    bulkExtra: jsonb('bulk_extra').$type<Record<string, string>>(),
    ...detailColumns,
  },
  (t) => [
    // Also serves the documents queries, which are per day. (A partial "documents due" index was
    // dropped in 0006: no query's condition implies its predicate, so it was written on every row and
    // never read.)
    index('certificates_registration_date_idx').on(t.register, t.registrationDate),
    index('certificates_uprn_idx').on(t.uprn),
    index('certificates_postcode_idx').on(t.postcode),
    // The few removed certificates: every day's upsert looks for reappearances among them, and must not
    // scan the whole table to do it.
    index('certificates_removed_idx').on(t.certificateNumber).where(sql`removed_at IS NOT NULL`),
    // The same for the few flagged missing.
    index('certificates_missing_idx').on(t.certificateNumber).where(sql`missing_since IS NOT NULL`),
    // The documents backlog, on any day: due, failed, not found, or older than the row's last change.
    // Rows the bulk file seeded (NULL) are not in it, so a bulk load never writes it; the backlog's
    // query names this predicate, so the planner reads it (unlike 0006's, which nothing read).
    index('certificates_documents_retry_idx')
      .on(t.register, t.registrationDate)
      .where(sql`document_status IS NOT NULL AND (document_status <> 'fetched' OR document_fetched_at < last_changed_at)`),
  ],
);

/**
 * 'due': the API walk stored the certificate and no document was tried yet. NULL: the bulk file
 * seeded it (its details came with the file, so no document is owed unless `documents` asks).
 */
export const DOCUMENT_STATUSES = ['due', 'fetched', 'not_found', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** What happened to a certificate after it was first stored: removals, reappearances, UPRN changes. */
export const certificateEvents = pgTable(
  'certificate_events',
  {
    id: serial('id').primaryKey(),
    register: text('register').notNull().default('domestic'),
    certificateNumber: text('certificate_number').notNull(),
    /** removed | reappeared | uprn_updated | missing */
    event: text('event').notNull(),
    oldUprn: bigint('old_uprn', { mode: 'number' }),
    newUprn: bigint('new_uprn', { mode: 'number' }),
    /** When the register says it happened (the delta's timestamp), or when we saw it. */
    eventAt: tstz('event_at').notNull(),
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    index('certificate_events_number_idx').on(t.certificateNumber),
    // Deltas are re-read on a rerun: the same event is recorded once.
    uniqueIndex('certificate_events_once_idx').on(t.certificateNumber, t.event, t.eventAt),
  ],
);

/** One row per day of /api/deltas applied. */
export const deltaCheckpoint = pgTable(
  'delta_checkpoint',
  {
    register: text('register').notNull().default('domestic'),
    day: date('day', { mode: 'string' }).notNull(),
    events: integer('events').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    uprnUpdated: integer('uprn_updated').notNull().default(0),
    appliedAt: tstz('applied_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.register, t.day] })],
);

/**
 * The improvements a certificate recommends: from the bulk file's `recommendations-YYYY.csv` entries
 * (source 'bulk') or a fetched document's `suggested_improvements` (source 'api'). One row per
 * certificate holds its whole set as parallel arrays, item by item (a quarter of the tuples and key
 * entries of a row per item); the `recommendations` view (0016) shows a row per item, decoded.
 * Replaced whole when its source sends it again; the file never replaces a set the API sent.
 */
export const recommendationSets = pgTable('recommendation_sets', {
  // Collation "C": the key is digits and dashes, and byte order makes its index cheaper to write.
  certificateNumber: text('certificate_number').primaryKey(),
  register: text('register').notNull().default('domestic'),
  /** 'bulk' | 'api' */
  source: text('source').notNull(),
  /** The bulk import that last wrote the set (a set is replaced once per import). */
  importId: integer('import_id'),
  /** improvement_item in the file, sequence in the document: the order on the certificate. */
  items: smallint('items').array().notNull(),
  /** Domestic: the improvement's id, summary, description and indicative cost (terms). */
  improvementId: integer('improvement_id').array(),
  summary: integer('summary').array(),
  description: integer('description').array(),
  indicativeCost: integer('indicative_cost').array(),
  /** Non-domestic and display: the recommendation report the item comes from. */
  relatedCertificateNumber: text('related_certificate_number').array(),
  /** Non-domestic and display: SHORT | MEDIUM | LONG | OTHER (the report's payback lists; terms). */
  paybackType: integer('payback_type').array(),
  /** Non-domestic and display: the recommendation's code (e.g. EPC-H7; terms). */
  recommendationCode: integer('recommendation_code').array(),
});

/**
 * The texts the register repeats (descriptions, ratings, labels, improvement texts), each stored
 * once: term columns of `certificates` and `recommendation_sets` hold ids; the views decode them. A
 * text may appear under more than one id (two parse workers met it at once); ids decode alike.
 */
export const terms = pgTable(
  'epc_terms',
  {
    id: integer('id').primaryKey(),
    value: text('value').notNull(),
  },
  (t) => [index('epc_terms_value_idx').using('hash', t.value)],
);

/** One row per bulk file import: what was imported, how it went, and how fast. */
export const bulkImports = pgTable(
  'bulk_imports',
  {
    id: serial('id').primaryKey(),
    register: text('register').notNull().default('domestic'),
    fileName: text('file_name').notNull(),
    /** The API's `lastUpdated` for the file, when it came from the API. */
    lastUpdated: text('last_updated'),
    sha256: text('sha256').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    /** running | succeeded | failed | interrupted */
    status: text('status').notNull().default('running'),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsImported: integer('rows_imported').notNull().default(0),
    rowsRejected: integer('rows_rejected').notNull().default(0),
    /** The newest registration day the file covers: days up to it were handed to the checkpoint. */
    cutoffDay: date('cutoff_day', { mode: 'string' }),
    rowsPerSecond: integer('rows_per_second'),
    error: text('error'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
    /** The import's `sync_runs` row, whose heartbeat tells a live import from a killed one. */
    runId: integer('run_id'),
    recommendationsImported: integer('recommendations_imported').notNull().default(0),
    /** Columns of the file this release does not know (kept in `certificates.bulk_extra`). */
    newColumns: jsonb('new_columns').$type<string[]>(),
  },
  (t) => [index('bulk_imports_sha_idx').on(t.register, t.sha256)],
);

export const DAY_STATUSES = ['pending', 'running', 'done', 'incomplete', 'failed'] as const;
export type DayStatus = (typeof DAY_STATUSES)[number];

export const syncCheckpoint = pgTable(
  'sync_checkpoint',
  {
    register: text('register').notNull().default('domestic'),
    day: date('day', { mode: 'string' }).notNull(),
    status: text('status').$type<DayStatus>().notNull().default('pending'),
    /** Where the day's rows came from: the API's day walk, or (later) the bulk file. */
    source: text('source').notNull().default('api'),
    /** The API's pagination.totalRecords for the day at the last walk. */
    expectedCount: integer('expected_count'),
    /** Distinct certificates of the day stored by the last walk. */
    storedCount: integer('stored_count'),
    /**
     * Non-domestic: certificates `totalRecords` counts that search never serves (no recommendation
     * report: the count has no join, the rows have). The day is done without them; the bulk file
     * brings them. 0: search served everything it counted. NULL: not a non-domestic day, or not known
     * (a day whose every certificate is unserved answers 404, which carries no count).
     */
    notServed: integer('not_served'),
    /** Rows of the day the API sent malformed (kept in rejected_rows); they count as seen. */
    rejectedCount: integer('rejected_count').notNull().default(0),
    /** Certificates of the day still without a document after the last documents pass (null: none made). */
    documentsMissing: integer('documents_missing'),
    pages: integer('pages').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    runId: integer('run_id'),
    /** Who holds the day while it is `running`, and until when (renewed while working). */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: tstz('lease_expires_at'),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
    /** When a walk of the day last ended done: the re-verification walks the oldest first (null: never). */
    verifiedAt: tstz('verified_at'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.register, t.day] }),
    index('sync_checkpoint_status_idx').on(t.register, t.status),
    check('sync_checkpoint_status_check', sql`${t.status} in ('pending','running','done','incomplete','failed')`),
  ],
);

export const RUN_OUTCOMES = ['running', 'succeeded', 'incomplete', 'failed', 'interrupted'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: serial('id').primaryKey(),
    register: text('register').notNull().default('domestic'),
    /** sync | backfill (and later: documents, deltas, bulk) */
    kind: text('kind').notNull(),
    outcome: text('outcome').$type<RunOutcome>().notNull().default('running'),
    rangeFrom: date('range_from', { mode: 'string' }),
    rangeTo: date('range_to', { mode: 'string' }),
    daysPlanned: integer('days_planned').notNull().default(0),
    daysDone: integer('days_done').notNull().default(0),
    daysIncomplete: integer('days_incomplete').notNull().default(0),
    daysFailed: integer('days_failed').notNull().default(0),
    rowsUpserted: integer('rows_upserted').notNull().default(0),
    documentsFetched: integer('documents_fetched').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    error: text('error'),
    host: text('host'),
    pid: integer('pid'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    heartbeatAt: tstz('heartbeat_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('sync_runs_started_idx').on(t.register, t.startedAt),
    check(
      'sync_runs_outcome_check',
      sql`${t.outcome} in ('running','succeeded','incomplete','failed','interrupted')`,
    ),
  ],
);

/** Rows the API (or a file) sent that could not be stored, with why and the raw row. */
export const rejectedRows = pgTable(
  'rejected_rows',
  {
    id: serial('id').primaryKey(),
    register: text('register').notNull().default('domestic'),
    source: text('source').notNull(),
    day: date('day', { mode: 'string' }),
    reason: text('reason').notNull(),
    raw: text('raw').notNull(),
    runId: integer('run_id'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('rejected_rows_day_idx').on(t.register, t.day),
    // The same bad row seen again on a later walk is recorded once.
    uniqueIndex('rejected_rows_raw_idx').on(t.register, t.source, sql`md5(${t.raw})`),
  ],
);

/**
 * The register's coded values (`/api/codes`, `/api/codes/info`): a document carries `built_form: 2`
 * where the bulk file carries "Semi-Detached". A key can mean different things in different schema
 * versions and between SAP and RdSAP, so the schema version and assessment type are part of the key.
 */
export const codes = pgTable(
  'codes',
  {
    attribute: text('attribute').notNull(),
    key: text('key').notNull(),
    schemaVersion: text('schema_version').notNull().default(''),
    assessmentType: text('assessment_type').notNull().default(''),
    value: text('value').notNull(),
    fetchedAt: tstz('fetched_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.attribute, t.key, t.schemaVersion, t.assessmentType] })],
);

/**
 * Secondary indexes of `certificates` a first load into an empty mirror dropped, to build them once
 * the rows are in (`db/deferred-indexes.ts`): their definitions, kept until they are built again, so
 * an import that is killed leaves them to be rebuilt by the next run that starts.
 */
export const deferredIndexes = pgTable('deferred_indexes', {
  name: text('name').primaryKey(),
  definition: text('definition').notNull(),
  /** The import that dropped it: while that import runs, nobody else builds it. */
  importId: integer('import_id').notNull(),
  droppedAt: tstz('dropped_at').notNull().defaultNow(),
});
