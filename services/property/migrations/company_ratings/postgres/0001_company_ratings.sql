-- Residents' ratings of property companies, one row per rating; company_id
-- is the unified social credit code; position is the RatingGiven's $all
-- position.
CREATE TABLE IF NOT EXISTS company_ratings (
    rating_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    company_id TEXT NOT NULL,
    stars BIGINT NOT NULL,
    rated_at TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS company_ratings_by_company ON company_ratings (district, company_id);
