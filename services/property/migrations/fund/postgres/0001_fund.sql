-- The maintenance fund ledger of each estate: the balance, every approved
-- use with what it has left, and every deposit and spending (kind is the
-- proto FundEntryKind number) with the balance after it. Whole fen.
CREATE TABLE IF NOT EXISTS fund_balances (
    estate_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    balance_fen BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS fund_approvals (
    approval_id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL,
    district TEXT NOT NULL,
    assembly_id TEXT NOT NULL,
    matter_id TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    remaining_fen BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS fund_approvals_by_estate ON fund_approvals (estate_id, position);

CREATE TABLE IF NOT EXISTS fund_entries (
    entry_id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL,
    district TEXT NOT NULL,
    kind BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    balance_fen BIGINT NOT NULL,
    entry_on TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    approval_id TEXT NOT NULL,
    payee TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS fund_entries_by_estate ON fund_entries (estate_id, position);
