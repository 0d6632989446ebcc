-- Events a projection dead-lettered instead of applying; a batch that fills
-- missing events from the store leaves these out.
CREATE TABLE IF NOT EXISTS projection_skipped (
    source TEXT NOT NULL,
    position BIGINT NOT NULL,
    skipped_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (source, position)
);
