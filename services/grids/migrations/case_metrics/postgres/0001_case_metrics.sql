-- One row per case: where it belongs (district, street, community, grid,
-- department, reporting worker), the period it counts in, and its outcome so
-- far, from the case events. Open311 GeoReport v2 answers from it too.
-- Flags are BIGINT 0/1: sqlx's Any driver has no portable boolean.
CREATE TABLE IF NOT EXISTS case_metrics (
    case_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    community TEXT NOT NULL,
    grid TEXT NOT NULL,
    category TEXT NOT NULL,
    source BIGINT NOT NULL,
    -- The grid worker who reported on patrol; empty otherwise.
    worker TEXT NOT NULL DEFAULT '',
    -- The unit the case is dispatched to; empty when none or returned.
    unit TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    -- Lower-case case status (reported, registered, dispatched, ...).
    status TEXT NOT NULL,
    status_notes TEXT NOT NULL DEFAULT '',
    -- Milliseconds since the Unix epoch.
    reported_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    -- Local (UTC+8) date "YYYY-MM-DD" of the close deadline, else of the
    -- registration, else of the report.
    period_date TEXT NOT NULL,
    due BIGINT NOT NULL DEFAULT 0,
    registered BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    reworks BIGINT NOT NULL DEFAULT 0,
    overdue BIGINT NOT NULL DEFAULT 0,
    -- An overdue flag on the register or dispatch stage.
    response_overdue BIGINT NOT NULL DEFAULT 0,
    dispatched BIGINT NOT NULL DEFAULT 0,
    deferred BIGINT NOT NULL DEFAULT 0,
    -- 1 to 5; 0 when not evaluated.
    rating BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS case_metrics_by_period ON case_metrics (district, period_date);
CREATE INDEX IF NOT EXISTS case_metrics_by_report ON case_metrics (district, reported_ms);
