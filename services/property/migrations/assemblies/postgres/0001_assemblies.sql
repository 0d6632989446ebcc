-- Owners' assemblies with every matter's tally and outcome, and every
-- ballot. Booleans are 0/1; enums are their proto numbers; areas are
-- decimal text in m² (empty until decided); dates and times are ISO text.
CREATE TABLE IF NOT EXISTS assemblies (
    assembly_id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL,
    district TEXT NOT NULL,
    first BIGINT NOT NULL,
    convened_by TEXT NOT NULL,
    notice_given_on TEXT NOT NULL,
    held_on TEXT NOT NULL,
    total_area TEXT NOT NULL,
    head_count BIGINT NOT NULL,
    closed BIGINT NOT NULL DEFAULT 0,
    closed_at TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS assemblies_by_estate ON assemblies (district, estate_id);

CREATE TABLE IF NOT EXISTS assembly_matters (
    assembly_id TEXT NOT NULL,
    matter_id TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    kind BIGINT NOT NULL,
    title TEXT NOT NULL,
    proposal TEXT NOT NULL,
    decided BIGINT NOT NULL DEFAULT 0,
    passed BIGINT NOT NULL DEFAULT 0,
    threshold BIGINT NOT NULL DEFAULT 0,
    reason BIGINT NOT NULL DEFAULT 0,
    roll_area TEXT NOT NULL DEFAULT '',
    roll_heads BIGINT NOT NULL DEFAULT 0,
    participating_area TEXT NOT NULL DEFAULT '',
    participating_heads BIGINT NOT NULL DEFAULT 0,
    agree_area TEXT NOT NULL DEFAULT '',
    agree_heads BIGINT NOT NULL DEFAULT 0,
    against_area TEXT NOT NULL DEFAULT '',
    against_heads BIGINT NOT NULL DEFAULT 0,
    abstain_area TEXT NOT NULL DEFAULT '',
    abstain_heads BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (assembly_id, matter_id)
);

CREATE TABLE IF NOT EXISTS assembly_ballots (
    assembly_id TEXT NOT NULL,
    matter_id TEXT NOT NULL,
    head TEXT NOT NULL,
    choice BIGINT NOT NULL,
    channel BIGINT NOT NULL,
    cast_at TEXT NOT NULL,
    PRIMARY KEY (assembly_id, matter_id, head)
);
