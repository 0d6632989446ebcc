-- Events a projection was handed but dead-lettered instead of applying.
-- A batch that finds events missing below its last one (another replica
-- holds them) applies them from the store, except these: they were given up
-- on, and the store still has them.
CREATE TABLE IF NOT EXISTS projection_skipped (
    source TEXT NOT NULL,
    position BIGINT NOT NULL,
    skipped_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source, position)
);
