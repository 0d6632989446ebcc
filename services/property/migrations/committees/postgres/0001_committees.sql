-- Owners' committees with their filing status; members are owner ids
-- joined by newlines; booleans are 0/1; dates are ISO text (empty = none).
CREATE TABLE IF NOT EXISTS committees (
    committee_id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL,
    district TEXT NOT NULL,
    assembly_id TEXT NOT NULL,
    matter_id TEXT NOT NULL,
    members TEXT NOT NULL,
    elected_on TEXT NOT NULL,
    filing_due_on TEXT NOT NULL,
    filed BIGINT NOT NULL DEFAULT 0,
    filed_on TEXT NOT NULL DEFAULT '',
    filed_late BIGINT NOT NULL DEFAULT 0,
    housing_authority_ref TEXT NOT NULL DEFAULT '',
    street_office_ref TEXT NOT NULL DEFAULT '',
    flagged_late BIGINT NOT NULL DEFAULT 0,
    flagged_on TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS committees_unfiled ON committees (filed, flagged_late, filing_due_on);
CREATE INDEX IF NOT EXISTS committees_by_estate ON committees (district, estate_id);
