-- Which residents' complaint became which grid case: one row per complaint
-- the reactor took, with the case id, or '' and the reason it was refused.
CREATE TABLE IF NOT EXISTS proposal_cases (
    proposal_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    -- The ProposalRaised event the case report's request id derives from.
    event_id TEXT NOT NULL,
    case_id TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    refused TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS proposal_cases_by_case ON proposal_cases (case_id);
