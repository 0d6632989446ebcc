-- PPP projects, one row per project; booleans are 0/1, money in fen,
-- enums as their proto numbers; position is the $all position of the last
-- event applied to the row.
CREATE TABLE IF NOT EXISTS projects (
    project_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    name TEXT NOT NULL,
    facility TEXT NOT NULL,
    grid TEXT NOT NULL,
    model BIGINT NOT NULL,
    mechanism BIGINT NOT NULL,
    stage BIGINT NOT NULL,
    term_years BIGINT NOT NULL,
    first_year BIGINT NOT NULL,
    construction_cost_fen BIGINT NOT NULL,
    consultation_required BIGINT NOT NULL,
    vfm_passed BIGINT NOT NULL DEFAULT 0,
    affordable BIGINT NOT NULL DEFAULT 0,
    consultation_passed BIGINT NOT NULL DEFAULT 0,
    approved BIGINT NOT NULL DEFAULT 0,
    qualified_bidders BIGINT NOT NULL DEFAULT 0,
    partner_id TEXT NOT NULL DEFAULT '',
    contract_value_fen BIGINT NOT NULL DEFAULT 0,
    periods_settled BIGINT NOT NULL DEFAULT 0,
    paid_fen BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS projects_by_district ON projects (district, project_id);

-- Settled periods: score in basis points, payment and its parts in fen.
CREATE TABLE IF NOT EXISTS periods (
    project_id TEXT NOT NULL,
    period BIGINT NOT NULL,
    district TEXT NOT NULL,
    score_basis_points BIGINT NOT NULL,
    fixed_fen BIGINT NOT NULL,
    performance_linked_fen BIGINT NOT NULL,
    performance_paid_fen BIGINT NOT NULL,
    deductions_fen BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    payment_fen BIGINT NOT NULL,
    settled_at TEXT NOT NULL,
    PRIMARY KEY (project_id, period)
);
