-- The grid map: unit grids with their boundary and duties, and the workers
-- assigned per duty. Retired grids stay, flagged, so their history reads.
CREATE TABLE IF NOT EXISTS grids (
    code TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    community TEXT NOT NULL,
    name TEXT NOT NULL,
    boundary_geojson TEXT NOT NULL,
    -- Duty numbers, sorted, comma-separated ("1,3").
    duties TEXT NOT NULL,
    -- 0 or 1: sqlx's Any driver has no portable boolean.
    retired BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS grids_by_district ON grids (district, code);
CREATE INDEX IF NOT EXISTS grids_by_community ON grids (community, code);
CREATE INDEX IF NOT EXISTS grids_by_street ON grids (street, code);

CREATE TABLE IF NOT EXISTS grid_assignments (
    code TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    duty BIGINT NOT NULL,
    PRIMARY KEY (code, worker_id, duty)
);
