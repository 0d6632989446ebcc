-- Applied inside each generation's own schema (search_path), beside the
-- projection's tables, so the checkpoint commits with the read-model change.
-- One row per source context: each context arrives in order on its own
-- JetStream stream, but contexts interleave.
CREATE TABLE IF NOT EXISTS projection_checkpoints (
    source TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
