-- Personal fields hold ciphertext only (sealed per resident); they are opened
-- at query time, so erasing the resident's key erases them here too, and a
-- rebuild after erasure finds nothing to open.
CREATE TABLE IF NOT EXISTS residents (
    resident_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    grid TEXT NOT NULL DEFAULT '',
    residency BIGINT NOT NULL,
    sex BIGINT NOT NULL,
    birth_year BIGINT NOT NULL,
    name BLOB,
    id_number BLOB,
    phone BLOB,
    dwelling BLOB,
    -- 0 or 1: sqlx's Any driver has no portable boolean.
    moved_out BIGINT NOT NULL DEFAULT 0,
    erased BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS residents_by_community ON residents (district, community, resident_id);
CREATE INDEX IF NOT EXISTS residents_by_grid ON residents (district, grid, resident_id);

-- Needs tags in clear, for listing and counting: deleted on erasure, and a
-- rebuild after erasure cannot open them again.
CREATE TABLE IF NOT EXISTS resident_tags (
    resident_id TEXT NOT NULL,
    tag BIGINT NOT NULL,
    PRIMARY KEY (resident_id, tag)
);

CREATE INDEX IF NOT EXISTS resident_tags_by_tag ON resident_tags (tag, resident_id);
