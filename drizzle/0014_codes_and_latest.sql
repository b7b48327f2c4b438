-- A coded value of an API document (`built_form: 2`) in words, from the codes lookup (`epc-sync codes`).
-- A key's meaning can differ between schema versions and between SAP and RdSAP: the value of the
-- document's own schema version wins, then one of the same assessment type, then one of the same
-- schema family (RdSAP-Schema-…, SAP-Schema-…, CEPC-…) and the newest version by number (a document
-- of a version newer than the lookup reads as the newest it knows: 21.0.1 before 16.3).
-- NULL when the lookup does not know the key (the views then show the code as sent).
CREATE FUNCTION epc_code(attribute text, code text, schema_version text, assessment_type text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT c.value FROM codes c
  WHERE c.attribute = $1 AND c.key = $2
  ORDER BY (c.schema_version = coalesce($3, '')) DESC,
           (c.assessment_type = coalesce($4, '')) DESC,
           (split_part(c.schema_version, '-', 1) = split_part(coalesce($3, ''), '-', 1)) DESC,
           string_to_array(substring(c.schema_version from '[0-9]+(?:[.][0-9]+)*'), '.')::int[] DESC NULLS LAST,
           c.schema_version DESC, c.assessment_type
  LIMIT 1
$$;
--> statement-breakpoint
-- The coded fields of certificates only the API has sent, decoded: a document carries `built_form: 2`
-- where the bulk file carries "Semi-Detached", and both read "Semi-Detached" here. The typed column
-- (the file's label) wins; then the document's code decoded for the document's own schema version and
-- assessment type (`epc_code`); then the code as sent, when the lookup does not know it (run
-- `epc-sync codes`). The document paths are those the register's own export decodes
-- (epb-data-warehouse, `mvw_domestic_search`). The columns of 0009 keep their order; the coded fields
-- it lacked come last.
DROP VIEW IF EXISTS "certificate_details";
--> statement-breakpoint
CREATE VIEW "certificate_details" AS
SELECT c."register",
       c."certificate_number",
       c."registration_date",
       c."lodgement_datetime",
       c."inspection_date",
       c."uprn",
       c."uprn_source",
       c."address",
       c."address_line1",
       c."address_line2",
       c."address_line3",
       c."post_town",
       c."postcode",
       c."council",
       c."local_authority_code",
       c."constituency",
       c."constituency_code",
       c."current_energy_efficiency_band" AS "current_energy_rating",
       c."current_energy_efficiency",
       c."potential_energy_rating",
       c."potential_energy_efficiency",
       c."environment_impact_current",
       c."environment_impact_potential",
       c."total_floor_area",
       coalesce(c."property_type", CASE WHEN d."property_type" IS NOT NULL THEN epc_code('property_type', d."property_type", c."schema_type", d."assessment_type") END, d."property_type") AS "property_type",
       coalesce(c."built_form", CASE WHEN d."built_form" IS NOT NULL THEN epc_code('built_form', d."built_form", c."schema_type", d."assessment_type") END, d."built_form") AS "built_form",
       coalesce(c."construction_age_band", CASE WHEN d."construction_age_band" IS NOT NULL THEN epc_code('construction_age_band', d."construction_age_band", c."schema_type", d."assessment_type") END, d."construction_age_band") AS "construction_age_band",
       coalesce(c."main_fuel", CASE WHEN d."main_fuel" IS NOT NULL THEN epc_code('main_fuel', d."main_fuel", c."schema_type", d."assessment_type") END, d."main_fuel") AS "main_fuel",
       c."mainheat_description",
       c."mainheatcont_description",
       c."hotwater_description",
       c."secondheat_description",
       c."walls_description",
       c."roof_description",
       c."floor_description",
       c."windows_description",
       c."lighting_description",
       c."co2_emissions_current",
       c."co2_emissions_potential",
       c."co2_emiss_curr_per_floor_area",
       c."energy_consumption_current",
       c."energy_consumption_potential",
       c."heating_cost_current",
       c."heating_cost_potential",
       c."hot_water_cost_current",
       c."hot_water_cost_potential",
       c."lighting_cost_current",
       c."lighting_cost_potential",
       coalesce(c."tenure", CASE WHEN d."tenure" IS NOT NULL THEN epc_code('tenure', d."tenure", c."schema_type", d."assessment_type") END, d."tenure") AS "tenure",
       coalesce(c."transaction_type", CASE WHEN d."transaction_type" IS NOT NULL THEN epc_code('transaction_type', d."transaction_type", c."schema_type", d."assessment_type") END, d."transaction_type") AS "transaction_type",
       c."schema_type",
       c."source",
       c."document_status",
       c."document_fetched_at",
       c."removed_at",
       coalesce(c."energy_tariff", CASE WHEN d."energy_tariff" IS NOT NULL THEN epc_code('energy_tariff', d."energy_tariff", c."schema_type", d."assessment_type") END, d."energy_tariff") AS "energy_tariff",
       coalesce(c."glazed_area", CASE WHEN d."glazed_area" IS NOT NULL THEN epc_code('glazed_area', d."glazed_area", c."schema_type", d."assessment_type") END, d."glazed_area") AS "glazed_area",
       coalesce(c."glazed_type", CASE WHEN d."glazed_type" IS NOT NULL THEN epc_code('glazed_type', d."glazed_type", c."schema_type", d."assessment_type") END, d."glazed_type") AS "glazed_type",
       coalesce(c."mechanical_ventilation", CASE WHEN d."mechanical_ventilation" IS NOT NULL THEN epc_code('mechanical_ventilation', d."mechanical_ventilation", c."schema_type", d."assessment_type") END, d."mechanical_ventilation") AS "mechanical_ventilation",
       coalesce(c."heat_loss_corridor", CASE WHEN d."heat_loss_corridor" IS NOT NULL THEN epc_code('heat_loss_corridor', d."heat_loss_corridor", c."schema_type", d."assessment_type") END, d."heat_loss_corridor") AS "heat_loss_corridor"
FROM "certificates" c
-- The document's codes, read once per row (NULL for every certificate the bulk file brought, so the
-- lookup is never consulted for them).
CROSS JOIN LATERAL (
  SELECT c."document"->>'assessment_type' AS "assessment_type",
         c."document"->>'property_type' AS "property_type",
         c."document"->>'built_form' AS "built_form",
         c."document"#>>'{sap_building_parts,0,construction_age_band}' AS "construction_age_band",
         c."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}' AS "main_fuel",
         c."document"->>'tenure' AS "tenure",
         c."document"->>'transaction_type' AS "transaction_type",
         -- RdSAP records the electricity meter, SAP the tariff.
         CASE WHEN c."document"->>'assessment_type' = 'RdSAP' THEN c."document"#>>'{sap_energy_source,meter_type}'
              ELSE c."document"#>>'{sap_energy_source,electricity_tariff}' END AS "energy_tariff",
         c."document"->>'glazed_area' AS "glazed_area",
         c."document"->>'multiple_glazing_type' AS "glazed_type",
         c."document"->>'mechanical_ventilation' AS "mechanical_ventilation",
         c."document"#>>'{sap_flat_details,heat_loss_corridor}' AS "heat_loss_corridor"
) d;
--> statement-breakpoint
-- A property's identity where it has no UPRN: its address lines (lower case, apostrophes dropped, any
-- other run of punctuation or spaces one space) and its postcode (upper case, no spaces). A
-- certificate without a letter or digit in its address lines stands alone, under its own number.
-- The planner inlines it, so the index below and the view compute the same expression.
CREATE FUNCTION epc_address_key(line1 text, line2 text, line3 text, line4 text, postcode text, certificate_number text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN (coalesce($1, '') || coalesce($2, '') || coalesce($3, '') || coalesce($4, '')) !~ '[[:alnum:]]'
      THEN 'certificate:' || $6
    ELSE 'address:' || upper(replace(coalesce($5, ''), ' ', '')) || ':'
      || btrim(regexp_replace(translate(lower(coalesce($1, '') || ' ' || coalesce($2, '') || ' ' || coalesce($3, '') || ' ' || coalesce($4, '')), '''’‘`', ''), '[^[:alnum:]]+', ' ', 'g'))
  END
$$;
--> statement-breakpoint
-- latest_certificates reads each property's newest certificate as the first entry of its group in one
-- of these (declared in src/db/schema.ts too). Certificates removed from the register, or missing from
-- its search, are not in them.
CREATE INDEX "certificates_latest_uprn_idx" ON "certificates" USING btree ("register","uprn","registration_date" DESC NULLS LAST,"lodgement_datetime" DESC NULLS LAST,"certificate_number" DESC NULLS LAST) WHERE uprn IS NOT NULL AND removed_at IS NULL AND missing_since IS NULL;
--> statement-breakpoint
CREATE INDEX "certificates_latest_address_idx" ON "certificates" USING btree ("register","uprn",epc_address_key(address_line1, address_line2, address_line3, address_line4, postcode, certificate_number),"registration_date" DESC NULLS LAST,"lodgement_datetime" DESC NULLS LAST,"certificate_number" DESC NULLS LAST) WHERE uprn IS NULL AND removed_at IS NULL AND missing_since IS NULL;
--> statement-breakpoint
-- One row per register and property: the property's newest certificate the register still publishes,
-- by registration date, then lodgement time, then certificate number. A property is its UPRN
-- ('uprn:10023456789'), else its normalised address and postcode ('address:EX11AA:flat 2 1 high
-- street'), else the certificate alone ('certificate:…'). A removed certificate (removed_at) and one
-- its day's walk no longer finds (missing_since) are left out, so the property's previous certificate
-- is its latest; a missing one that comes back is counted again. Fast filters: register and uprn
-- (each branch's DISTINCT ON columns, so the filter reaches the index); others read the whole register.
CREATE VIEW "latest_certificates" AS
SELECT l."property_key",
       l."register",
       l."certificate_number",
       l."registration_date",
       l."lodgement_datetime",
       l."current_energy_efficiency_band" AS "band",
       coalesce(l."current_energy_efficiency", l."asset_rating", l."current_operational_rating") AS "rating",
       l."uprn",
       concat_ws(', ', l."address_line1", l."address_line2", l."address_line3", l."address_line4") AS "address",
       l."post_town",
       l."postcode",
       l."council",
       l."constituency",
       coalesce(l."property_type",
                CASE WHEN l."document"->>'property_type' IS NOT NULL THEN epc_code('property_type', l."document"->>'property_type', l."schema_type", l."document"->>'assessment_type') END,
                l."document"->>'property_type') AS "property_type",
       coalesce(l."built_form",
                CASE WHEN l."document"->>'built_form' IS NOT NULL THEN epc_code('built_form', l."document"->>'built_form', l."schema_type", l."document"->>'assessment_type') END,
                l."document"->>'built_form') AS "built_form",
       coalesce(l."total_floor_area", l."floor_area") AS "total_floor_area",
       coalesce(l."main_fuel",
                CASE WHEN l."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}' IS NOT NULL
                     THEN epc_code('main_fuel', l."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}', l."schema_type", l."document"->>'assessment_type') END,
                l."main_heating_fuel",
                l."document"#>>'{sap_heating,main_heating_details,0,main_fuel_type}') AS "main_fuel",
       l."inspection_date",
       l."schema_type",
       l."source"
FROM (
  (SELECT DISTINCT ON (c."register", c."uprn")
          'uprn:' || c."uprn" AS "property_key",
          c."register", c."uprn", c."certificate_number", c."registration_date", c."lodgement_datetime",
          c."current_energy_efficiency_band", c."current_energy_efficiency", c."asset_rating", c."current_operational_rating",
          c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."post_town", c."postcode",
          c."council", c."constituency", c."property_type", c."built_form", c."total_floor_area", c."floor_area",
          c."main_fuel", c."main_heating_fuel", c."inspection_date", c."schema_type", c."source", c."document"
   FROM "certificates" c
   WHERE c."uprn" IS NOT NULL AND c."removed_at" IS NULL AND c."missing_since" IS NULL
   ORDER BY c."register", c."uprn", c."registration_date" DESC NULLS LAST, c."lodgement_datetime" DESC NULLS LAST, c."certificate_number" DESC NULLS LAST)
  UNION ALL
  -- `uprn` (NULL throughout) is a DISTINCT ON column here too, so a filter on it skips this branch at the index.
  (SELECT DISTINCT ON (c."register", c."uprn", epc_address_key(c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."postcode", c."certificate_number"))
          epc_address_key(c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."postcode", c."certificate_number") AS "property_key",
          c."register", c."uprn", c."certificate_number", c."registration_date", c."lodgement_datetime",
          c."current_energy_efficiency_band", c."current_energy_efficiency", c."asset_rating", c."current_operational_rating",
          c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."post_town", c."postcode",
          c."council", c."constituency", c."property_type", c."built_form", c."total_floor_area", c."floor_area",
          c."main_fuel", c."main_heating_fuel", c."inspection_date", c."schema_type", c."source", c."document"
   FROM "certificates" c
   WHERE c."uprn" IS NULL AND c."removed_at" IS NULL AND c."missing_since" IS NULL
   ORDER BY c."register", c."uprn", epc_address_key(c."address_line1", c."address_line2", c."address_line3", c."address_line4", c."postcode", c."certificate_number"),
            c."registration_date" DESC NULLS LAST, c."lodgement_datetime" DESC NULLS LAST, c."certificate_number" DESC NULLS LAST)
) l;
