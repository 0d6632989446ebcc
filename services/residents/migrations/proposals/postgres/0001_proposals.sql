-- Proposals and complaints, one row per item: resident ids and the item's
-- own text, no personal data. Times are RFC 3339 UTC text, '' meaning "not
-- set"; flags are 0/1 BIGINTs (sqlx's Any driver has no portable boolean).
CREATE TABLE IF NOT EXISTS proposals (
    proposal_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    -- gongzhi.residents.v1.ProposalKind value.
    kind BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    street_problem BIGINT NOT NULL DEFAULT 0,
    street_grid TEXT NOT NULL DEFAULT '',
    street_category TEXT NOT NULL DEFAULT '',
    street_address TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION NOT NULL DEFAULT 0,
    longitude DOUBLE PRECISION NOT NULL DEFAULT 0,
    -- gongzhi.residents.v1.ProposalStatus value.
    status BIGINT NOT NULL,
    owner_kind BIGINT NOT NULL DEFAULT 0,
    owner_id TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL DEFAULT '',
    assigned_at TEXT NOT NULL DEFAULT '',
    support_count BIGINT NOT NULL DEFAULT 0,
    answer TEXT NOT NULL DEFAULT '',
    answered_by_kind BIGINT NOT NULL DEFAULT 0,
    answered_by_id TEXT NOT NULL DEFAULT '',
    answered_by_admin BIGINT NOT NULL DEFAULT 0,
    answered_at TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL DEFAULT '',
    overdue BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS proposals_by_district ON proposals (district, proposal_id);
CREATE INDEX IF NOT EXISTS proposals_by_status ON proposals (status, overdue);

-- The grid case the grids service opened for a complaint, from its
-- CaseReported event. A table of its own: the grids stream may deliver the
-- case before the residents stream delivers the item.
CREATE TABLE IF NOT EXISTS proposal_grid_cases (
    proposal_id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL
);
