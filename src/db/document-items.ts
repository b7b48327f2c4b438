/**
 * The recommendations a fetched document brings, as SQL over the `input` rows of `storeDocuments`
 * (`certificate_number`, `document`, `report_number`, `report`, `items_known`): a domestic document's
 * `suggested_improvements`, and the items of the recommendation report a non-domestic or display
 * certificate names. One row per (certificate, item), in the columns of `recommendations`.
 */

/**
 * A domestic document's improvements, one row per `sequence` (the first wins if a document repeats
 * one; an item without a readable sequence has no place on the certificate and is skipped). A
 * document carries codes (`improvement_number`) where the file carries texts; only a custom
 * improvement (`improvement_texts`) has its own summary and description.
 */
const IMPROVEMENTS = `
  SELECT DISTINCT ON (d.certificate_number, epc_value_integer(e.item ->> 'sequence'))
         d.certificate_number,
         epc_value_integer(e.item ->> 'sequence') AS item,
         nullif(e.item #>> '{improvement_details,improvement_number}', '') AS improvement_id,
         nullif(e.item #>> '{improvement_details,improvement_texts,improvement_summary}', '') AS summary,
         nullif(e.item #>> '{improvement_details,improvement_texts,improvement_description}', '') AS description,
         nullif(e.item ->> 'indicative_cost', '') AS indicative_cost
  FROM input AS d
  CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(d.document -> 'suggested_improvements') = 'array' THEN d.document -> 'suggested_improvements' END
  ) WITH ORDINALITY AS e(item, n)
  WHERE d.items_known AND jsonb_typeof(e.item) = 'object' AND epc_value_integer(e.item ->> 'sequence') IS NOT NULL
  ORDER BY d.certificate_number, epc_value_integer(e.item ->> 'sequence'), e.n`;

/**
 * A recommendation report's items, numbered as the service's export numbers them
 * (epb-data-warehouse, `mvw_commercial_rr_search` / `mvw_dec_rr_search`: `row_number()` over the
 * SHORT, MEDIUM, LONG, OTHER payback lists in that order, each list in its own order).
 */
const REPORT_ITEMS = `
  SELECT d.certificate_number,
         (row_number() OVER (PARTITION BY d.certificate_number ORDER BY p.seq, e.n))::int AS item,
         p.payback_type,
         nullif(e.item ->> 'recommendation_code', '') AS recommendation_code,
         nullif(e.item ->> 'recommendation', '') AS description,
         d.report_number AS related_certificate_number
  FROM input AS d
  CROSS JOIN LATERAL (VALUES (1, 'SHORT', 'short_payback'), (2, 'MEDIUM', 'medium_payback'), (3, 'LONG', 'long_payback'),
                             (4, 'OTHER', 'other_payback')) AS p(seq, payback_type, list)
  CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(d.report -> p.list) = 'array' THEN d.report -> p.list END
  ) WITH ORDINALITY AS e(item, n)
  WHERE d.items_known AND d.report IS NOT NULL AND jsonb_typeof(e.item) = 'object'`;

/**
 * Both kinds in the columns of `recommendations`. A certificate has one kind or the other; should a
 * document ever carry both, the improvements keep their numbers, so no row is written twice.
 */
export const DOCUMENT_ITEMS = `
  SELECT DISTINCT ON (certificate_number, item) certificate_number, item, improvement_id, summary, description, indicative_cost,
         payback_type, recommendation_code, related_certificate_number
  FROM (
    SELECT certificate_number, item, improvement_id, summary, description, indicative_cost,
           NULL::text AS payback_type, NULL::text AS recommendation_code, NULL::text AS related_certificate_number, 1 AS kind
    FROM (${IMPROVEMENTS}
    ) AS improvements
    UNION ALL
    SELECT certificate_number, item, NULL, NULL, description, NULL, payback_type, recommendation_code, related_certificate_number, 2
    FROM (${REPORT_ITEMS}
    ) AS report_items
  ) AS items
  ORDER BY certificate_number, item, kind`;
