-- Residents' ratings of facilities (a PPP facility's id is its project id),
-- by the calendar year of the rating.
CREATE TABLE IF NOT EXISTS facility_ratings (
    rating_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    facility_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    stars BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS facility_ratings_by_facility ON facility_ratings (district, facility_id, year);

-- Grid cases by unit grid and year reported; counted = 0 once rejected or
-- merged into another case.
CREATE TABLE IF NOT EXISTS site_cases (
    case_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    grid TEXT NOT NULL,
    year BIGINT NOT NULL,
    counted BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS site_cases_by_grid ON site_cases (district, grid, year);
