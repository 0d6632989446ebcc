-- Which generation of each read model is live. Every apply takes the row
-- FOR SHARE, a rebuild's switch takes it FOR UPDATE, so an event is never
-- applied to a generation that is being retired.
CREATE SCHEMA IF NOT EXISTS projections;

CREATE TABLE IF NOT EXISTS projections.registry (
    name TEXT PRIMARY KEY,
    active_generation BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
