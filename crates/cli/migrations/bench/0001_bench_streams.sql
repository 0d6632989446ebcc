-- The bench read model: events and last position per stream. Plain SQL that
-- PostgreSQL and SQLite both accept.
CREATE TABLE bench_streams (
    stream_name   TEXT PRIMARY KEY,
    events        BIGINT NOT NULL,
    last_position BIGINT NOT NULL
);
