-- Population and case counts per district, summed over every district's
-- Gongzhi by the city projection. Counts only, no personal data.
CREATE TABLE IF NOT EXISTS city_district_metrics (
    district TEXT PRIMARY KEY,
    residents_registered BIGINT NOT NULL DEFAULT 0,
    residents_erased BIGINT NOT NULL DEFAULT 0,
    cases_reported BIGINT NOT NULL DEFAULT 0,
    cases_closed BIGINT NOT NULL DEFAULT 0
);
