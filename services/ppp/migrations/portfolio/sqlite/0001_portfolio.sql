-- Each district's yearly general public budget expenditure, in fen.
CREATE TABLE IF NOT EXISTS budgets (
    district TEXT NOT NULL,
    year BIGINT NOT NULL,
    expenditure_fen BIGINT NOT NULL,
    PRIMARY KEY (district, year)
);

-- Reserved government outlays per project and year; a release deletes them.
CREATE TABLE IF NOT EXISTS reservations (
    district TEXT NOT NULL,
    project_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    government_pays BIGINT NOT NULL,
    PRIMARY KEY (district, project_id, year)
);
