-- Satisfaction ratings, one row per rating (one per rater and subject).
-- subject_kind is the RatingSubjectKind number; rated_at is RFC 3339 text;
-- position is the $all position of the RatingGiven event (newest first paging).
CREATE TABLE IF NOT EXISTS ratings (
    rating_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    subject_kind BIGINT NOT NULL,
    subject_id TEXT NOT NULL,
    rater TEXT NOT NULL,
    stars BIGINT NOT NULL,
    comment TEXT NOT NULL,
    rated_at TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS ratings_by_subject ON ratings (district, subject_kind, subject_id, position);
CREATE INDEX IF NOT EXISTS ratings_by_community ON ratings (district, community, position);
CREATE INDEX IF NOT EXISTS ratings_by_district ON ratings (district, position);
