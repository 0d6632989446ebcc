-- What became of each resident's rating of a case (from the residents
-- context's RatingGiven events): outcome 'evaluated' (it is the case's
-- evaluation, written at evaluation_position) or 'refused' (reason is the
-- case decider's code, e.g. CASE_NOT_FOUND, CASE_TRANSITION_NOT_ALLOWED).
CREATE TABLE IF NOT EXISTS case_ratings (
    rating_id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    district TEXT NOT NULL,
    rater TEXT NOT NULL,
    stars BIGINT NOT NULL,
    rated_at TEXT NOT NULL,
    rating_position BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    evaluation_position BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS case_ratings_by_case ON case_ratings (case_id, rating_position);
