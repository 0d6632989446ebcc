-- One row per source context, committed with the read-model change.
CREATE TABLE IF NOT EXISTS projection_checkpoints (
    source TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
