-- One row per case, for GetCase/ListCases and the overdue watcher. Times are
-- RFC 3339 UTC text, '' meaning "not set"; flags are 0/1 BIGINTs because
-- sqlx's Any driver has no portable boolean.
CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    grid TEXT NOT NULL,
    community TEXT NOT NULL,
    category TEXT NOT NULL,
    source BIGINT NOT NULL,
    urgency BIGINT NOT NULL,
    -- gongzhi.grids.v1.CaseStatus value.
    status BIGINT NOT NULL,
    description TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    unit_id TEXT NOT NULL DEFAULT '',
    register_deadline TEXT NOT NULL DEFAULT '',
    dispatch_deadline TEXT NOT NULL DEFAULT '',
    handle_deadline TEXT NOT NULL DEFAULT '',
    verify_deadline TEXT NOT NULL DEFAULT '',
    close_deadline TEXT NOT NULL DEFAULT '',
    register_overdue BIGINT NOT NULL DEFAULT 0,
    dispatch_overdue BIGINT NOT NULL DEFAULT 0,
    handle_overdue BIGINT NOT NULL DEFAULT 0,
    verify_overdue BIGINT NOT NULL DEFAULT 0,
    close_overdue BIGINT NOT NULL DEFAULT 0,
    return_count BIGINT NOT NULL DEFAULT 0,
    rework_count BIGINT NOT NULL DEFAULT 0,
    feedback_count BIGINT NOT NULL DEFAULT 0,
    rating BIGINT NOT NULL DEFAULT 0,
    merged_into TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL DEFAULT '',
    closed_on_time BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS cases_by_district ON cases (district, case_id);
CREATE INDEX IF NOT EXISTS cases_by_status ON cases (status);

-- Units summoned to a case (吹哨报到), attached until the case closes.
CREATE TABLE IF NOT EXISTS case_summoned_units (
    case_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    summon_id TEXT NOT NULL,
    summoned_by TEXT NOT NULL,
    summoned_at TEXT NOT NULL,
    respond_by TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL DEFAULT '',
    acknowledged_late BIGINT NOT NULL DEFAULT 0,
    arrived_at TEXT NOT NULL DEFAULT '',
    arrived_late BIGINT NOT NULL DEFAULT 0,
    flagged_late BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, unit_id)
);
