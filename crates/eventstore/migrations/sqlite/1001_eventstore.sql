-- One process owns the file and serializes its writes, so positions are
-- simply max + 1 inside the write transaction (commit order, gapless).
CREATE TABLE streams (
    stream_name TEXT    PRIMARY KEY,
    category    TEXT    NOT NULL,
    revision    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE events (
    position    INTEGER PRIMARY KEY,
    event_id    TEXT    NOT NULL UNIQUE,
    stream_name TEXT    NOT NULL REFERENCES streams (stream_name),
    revision    INTEGER NOT NULL,
    category    TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    district    TEXT,
    payload     BLOB    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    UNIQUE (stream_name, revision)
);

CREATE INDEX events_category_position ON events (category, position);

CREATE TABLE checkpoints (
    name       TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL,
    updated_at TEXT    NOT NULL
) WITHOUT ROWID;
