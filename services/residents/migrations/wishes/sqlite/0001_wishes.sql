-- Micro-wishes: the public wish board of a district. The age band is not
-- stored; queries compute it from posted_at and the current time.
CREATE TABLE IF NOT EXISTS wishes (
    wish_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    posted_by TEXT NOT NULL,
    text TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    posted_position BIGINT NOT NULL,
    -- OPEN, CLAIMED, FULFILLED, CONFIRMED or WITHDRAWN.
    status TEXT NOT NULL,
    -- WishClaimantKind number; 0 when unclaimed.
    claimant_kind BIGINT NOT NULL DEFAULT 0,
    claimant_id TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    claimed_at TEXT NOT NULL DEFAULT '',
    fulfilled_at TEXT NOT NULL DEFAULT '',
    confirmed_at TEXT NOT NULL DEFAULT '',
    withdrawn_at TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS wishes_by_district ON wishes (district, posted_position);
