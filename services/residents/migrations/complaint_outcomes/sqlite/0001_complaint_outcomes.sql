-- Grid cases opened for complaints, and what the complaint did as the case
-- moved: the unit it was assigned to on dispatch, whether the closing
-- answered it, or why a step was refused. Times are RFC 3339 UTC text.
CREATE TABLE IF NOT EXISTS complaint_outcomes (
    case_id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL,
    district TEXT NOT NULL,
    handle_deadline TEXT NOT NULL DEFAULT '',
    last_result TEXT NOT NULL DEFAULT '',
    assigned_unit TEXT NOT NULL DEFAULT '',
    answered BIGINT NOT NULL DEFAULT 0,
    -- "<step>: <reason code>" of the last refused step, '' if none.
    refused TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS complaint_outcomes_by_proposal ON complaint_outcomes (proposal_id);
