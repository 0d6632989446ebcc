-- Households and their members: ids and codes only, no personal data.
CREATE TABLE IF NOT EXISTS households (
    household_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    head_resident_id TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS household_members (
    household_id TEXT NOT NULL,
    resident_id TEXT NOT NULL,
    relation BIGINT NOT NULL,
    joined_position BIGINT NOT NULL,
    PRIMARY KEY (household_id, resident_id)
);

CREATE INDEX IF NOT EXISTS household_members_by_resident ON household_members (resident_id);
