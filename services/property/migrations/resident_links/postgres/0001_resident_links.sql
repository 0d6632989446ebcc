-- Residents the property context has learnt of from the residents context's
-- events: ids and codes only, never personal data. moved_out and erased are
-- 0/1; an erased resident stays erased whatever follows. position is the
-- $all position of the last event applied to the row.
CREATE TABLE IF NOT EXISTS known_residents (
    resident_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    moved_out BIGINT NOT NULL DEFAULT 0,
    erased BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS known_residents_by_district ON known_residents (district, community);
