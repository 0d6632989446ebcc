-- Property service contracts of estates (kind and status are the proto
-- ContractKind / ContractStatus numbers) and the fees collected under them.
-- Money is whole fen; dates are ISO text; empty vote ids = no vote.
CREATE TABLE IF NOT EXISTS contracts (
    contract_id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL,
    district TEXT NOT NULL,
    kind BIGINT NOT NULL,
    company_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    quality TEXT NOT NULL,
    monthly_fee_fen BIGINT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    liabilities TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    vote_assembly_id TEXT NOT NULL,
    vote_matter_id TEXT NOT NULL,
    status BIGINT NOT NULL,
    ended_on TEXT NOT NULL DEFAULT '',
    dismissal_assembly_id TEXT NOT NULL DEFAULT '',
    dismissal_matter_id TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS contracts_by_estate ON contracts (district, estate_id, position);

CREATE TABLE IF NOT EXISTS contract_fees (
    fee_id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL,
    district TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    period TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    collected_on TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS contract_fees_by_contract ON contract_fees (contract_id);
