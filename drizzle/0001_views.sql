-- Views for operators (documented in the README). "Yesterday" is taken in Europe/London, the
-- register's own calendar: the API never serves today.

-- What is missing? Every day from the first day the mirror tracks up to yesterday that is not done,
-- including days no run has touched yet (status 'missing').
CREATE VIEW "sync_missing_days" AS
WITH "bounds" AS (
  SELECT "register", min("day") AS "first_day" FROM "sync_checkpoint" GROUP BY "register"
), "calendar" AS (
  SELECT b."register", d::date AS "day"
  FROM "bounds" b,
       generate_series(b."first_day", ((now() AT TIME ZONE 'Europe/London')::date - 1), interval '1 day') AS d
)
SELECT c."register", c."day",
       coalesce(s."status", 'missing') AS "status",
       s."expected_count", s."stored_count",
       greatest(coalesce(s."expected_count", 0) - coalesce(s."stored_count", 0) - coalesce(s."rejected_count", 0), 0) AS "shortfall",
       s."attempts", s."last_error", s."updated_at"
FROM "calendar" c
LEFT JOIN "sync_checkpoint" s ON s."register" = c."register" AND s."day" = c."day"
WHERE s."status" IS DISTINCT FROM 'done';
--> statement-breakpoint

-- How far behind are we? One row per register.
CREATE VIEW "sync_lag" AS
SELECT s."register",
       ((now() AT TIME ZONE 'Europe/London')::date - 1) AS "yesterday",
       max(s."day") FILTER (WHERE s."status" = 'done') AS "newest_done_day",
       ((now() AT TIME ZONE 'Europe/London')::date - 1) - max(s."day") FILTER (WHERE s."status" = 'done') AS "days_behind",
       (SELECT min(m."day") FROM "sync_missing_days" m WHERE m."register" = s."register") AS "oldest_missing_day",
       (SELECT count(*) FROM "sync_missing_days" m WHERE m."register" = s."register")::int AS "missing_days",
       coalesce(sum(s."stored_count") FILTER (WHERE s."status" = 'done'), 0)::bigint AS "rows_in_done_days",
       (SELECT max(r."finished_at") FROM "sync_runs" r
         WHERE r."register" = s."register" AND r."outcome" = 'succeeded') AS "last_success_at"
FROM "sync_checkpoint" s
GROUP BY s."register";
--> statement-breakpoint

-- The checkpoint month by month, as `epc-sync status` prints it.
CREATE VIEW "sync_months" AS
SELECT "register",
       to_char("day", 'YYYY-MM') AS "month",
       count(*) FILTER (WHERE "status" = 'done')::int AS "done",
       count(*) FILTER (WHERE "status" = 'incomplete')::int AS "incomplete",
       count(*) FILTER (WHERE "status" = 'failed')::int AS "failed",
       count(*) FILTER (WHERE "status" IN ('pending', 'running'))::int AS "pending",
       coalesce(sum("stored_count"), 0)::bigint AS "rows",
       coalesce(sum("rejected_count"), 0)::bigint AS "rejected",
       coalesce(sum(greatest(coalesce("expected_count", 0) - coalesce("stored_count", 0) - "rejected_count", 0))
                FILTER (WHERE "status" <> 'done'), 0)::bigint AS "shortfall"
FROM "sync_checkpoint"
GROUP BY "register", to_char("day", 'YYYY-MM');
