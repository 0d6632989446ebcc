-- Volunteering and points: activities with their attendance, points
-- accounts with their ledger, and the reward catalogue. Ids, codes, minutes
-- and points only; no personal data.
CREATE TABLE IF NOT EXISTS activities (
    activity_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    organiser_id TEXT NOT NULL,
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    points_per_hour BIGINT NOT NULL,
    -- 0 or 1.
    certified BIGINT NOT NULL DEFAULT 0,
    certified_at TEXT NOT NULL DEFAULT '',
    planned_position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS activities_by_district ON activities (district, planned_position);

CREATE TABLE IF NOT EXISTS activity_attendance (
    activity_id TEXT NOT NULL,
    volunteer_id TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    -- Set at certification.
    points BIGINT NOT NULL DEFAULT 0,
    recorded_position BIGINT NOT NULL,
    PRIMARY KEY (activity_id, volunteer_id)
);

CREATE TABLE IF NOT EXISTS points_accounts (
    resident_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    balance BIGINT NOT NULL,
    earned BIGINT NOT NULL DEFAULT 0,
    redeemed BIGINT NOT NULL DEFAULT 0,
    refunded BIGINT NOT NULL DEFAULT 0
);

-- One row per points event, keyed by its $all position so a redelivered
-- event is recorded (and counted into the totals) once.
CREATE TABLE IF NOT EXISTS points_ledger (
    position BIGINT PRIMARY KEY,
    resident_id TEXT NOT NULL,
    -- EARNED, REDEEMED or REFUNDED.
    kind TEXT NOT NULL,
    -- Signed change of the balance.
    points BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    activity_id TEXT NOT NULL DEFAULT '',
    redemption_id TEXT NOT NULL DEFAULT '',
    item_id TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS points_ledger_by_resident ON points_ledger (resident_id, position);

CREATE TABLE IF NOT EXISTS reward_items (
    item_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    name TEXT NOT NULL,
    cost BIGINT NOT NULL,
    stock BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS reward_items_by_district ON reward_items (district, name);
