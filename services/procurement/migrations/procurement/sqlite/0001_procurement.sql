-- Read model of the procurement context. Money in fen; flags 0/1; times
-- RFC 3339 text. Enums are their proto numbers.
CREATE TABLE IF NOT EXISTS providers (
    provider_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    social_credit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind BIGINT NOT NULL,
    -- One qualification per line.
    qualifications TEXT NOT NULL,
    contact TEXT NOT NULL
);

-- A provider's history: one row per signed contract, with its evaluation.
CREATE TABLE IF NOT EXISTS provider_contracts (
    purchase_id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    district TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    evaluated BIGINT NOT NULL,
    evaluation_score BIGINT NOT NULL,
    evaluator BIGINT NOT NULL,
    satisfaction_count BIGINT NOT NULL,
    satisfaction_star_sum BIGINT NOT NULL,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS provider_contracts_by_provider ON provider_contracts (district, provider_id, position);

CREATE TABLE IF NOT EXISTS catalogue_items (
    district TEXT NOT NULL,
    item_code TEXT NOT NULL,
    name TEXT NOT NULL,
    nature BIGINT NOT NULL,
    stable BIGINT NOT NULL,
    dispatchable BIGINT NOT NULL,
    withdrawn BIGINT NOT NULL,
    PRIMARY KEY (district, item_code)
);

CREATE TABLE IF NOT EXISTS purchases (
    purchase_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    title TEXT NOT NULL,
    item_code TEXT NOT NULL,
    method BIGINT NOT NULL,
    budget_fen BIGINT NOT NULL,
    phase TEXT NOT NULL,
    deadline TEXT NOT NULL,
    bid_count BIGINT NOT NULL,
    awarded_provider_id TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    contract_amount_fen BIGINT NOT NULL,
    paid_fen BIGINT NOT NULL,
    evaluated BIGINT NOT NULL,
    evaluation_score BIGINT NOT NULL,
    -- From the contract: grid cases may be dispatched to the provider from
    -- starts_on to ends_on (ISO dates, empty before the contract).
    dispatchable BIGINT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS venture_rounds (
    round_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    title TEXT NOT NULL,
    total_budget_fen BIGINT NOT NULL,
    cap_per_project_fen BIGINT NOT NULL,
    call_deadline TEXT NOT NULL,
    funded_fen BIGINT NOT NULL
);

-- status: APPLIED, SCREENED_OUT, SCREENED_IN, PITCHED, FUNDED, GRADED.
CREATE TABLE IF NOT EXISTS venture_projects (
    project_id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL,
    district TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    title TEXT NOT NULL,
    requested_fen BIGINT NOT NULL,
    status TEXT NOT NULL,
    pitch_score BIGINT NOT NULL,
    funded_fen BIGINT NOT NULL,
    released_fen BIGINT NOT NULL,
    mid_term_passed BIGINT NOT NULL,
    grade BIGINT NOT NULL,
    final_score BIGINT NOT NULL,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS venture_projects_by_round ON venture_projects (round_id, position);

-- Residents' ratings of purchased services (RatingGiven, subject kind
-- SERVICE), one row per rating, by the rated purchase's id.
CREATE TABLE IF NOT EXISTS service_ratings (
    rating_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    stars BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS service_ratings_by_subject ON service_ratings (district, subject_id);

-- Grid cases dispatched to units whose id is a UUID (providers' ids are),
-- from the grids context's case events; one row per case and unit.
CREATE TABLE IF NOT EXISTS unit_cases (
    case_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    district TEXT NOT NULL,
    -- UTC date of the dispatch, ISO 8601.
    dispatched_on TEXT NOT NULL,
    returned BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    PRIMARY KEY (case_id, unit_id)
);

CREATE INDEX IF NOT EXISTS unit_cases_by_unit ON unit_cases (district, unit_id, dispatched_on);
