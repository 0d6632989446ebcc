-- Residents as the grids context sees them, from the residents context's
-- published events: where they live and their needs tags. No personal data.
CREATE TABLE IF NOT EXISTS grid_residents (
    resident_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    grid TEXT NOT NULL DEFAULT '',
    residency BIGINT NOT NULL,
    -- 0 or 1: sqlx's Any driver has no portable boolean.
    moved_out BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS grid_residents_by_grid ON grid_residents (district, grid);

CREATE TABLE IF NOT EXISTS grid_resident_tags (
    resident_id TEXT NOT NULL,
    tag BIGINT NOT NULL,
    PRIMARY KEY (resident_id, tag)
);
