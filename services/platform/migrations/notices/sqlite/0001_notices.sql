CREATE TABLE IF NOT EXISTS notices (
    notice_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_position BIGINT NOT NULL,
    -- 0 or 1: sqlx's Any driver has no portable boolean.
    withdrawn BIGINT NOT NULL DEFAULT 0,
    withdrawn_reason TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS notices_by_district ON notices (district, published_position);
