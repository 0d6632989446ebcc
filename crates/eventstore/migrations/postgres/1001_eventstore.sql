-- The event store lives in its own schema so services can keep their read
-- models in their own schemas of the same database.
CREATE SCHEMA IF NOT EXISTS eventstore;

-- One row per stream: the lock that serializes appends to one stream and its
-- last revision (-1 while the stream is being created).
CREATE TABLE eventstore.streams (
    stream_name text PRIMARY KEY,
    category    text   NOT NULL,
    revision    bigint NOT NULL
);

-- The single `$all` counter. Appends take its row lock as their last step and
-- hold it until commit, so positions are handed out in commit order, gapless.
CREATE TABLE eventstore.all_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position  bigint  NOT NULL
);
INSERT INTO eventstore.all_head (singleton, position) VALUES (true, 0);

CREATE TABLE eventstore.events (
    position    bigint      PRIMARY KEY,
    event_id    uuid        NOT NULL,
    stream_name text        NOT NULL REFERENCES eventstore.streams (stream_name),
    revision    bigint      NOT NULL,
    category    text        NOT NULL,
    event_type  text        NOT NULL,
    district    text,
    payload     bytea       NOT NULL,
    metadata    jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_event_id_unique UNIQUE (event_id),
    CONSTRAINT events_stream_revision_unique UNIQUE (stream_name, revision)
);

CREATE INDEX events_category_position ON eventstore.events (category, position);
CREATE INDEX events_district_position ON eventstore.events (district, position);

-- Durable checkpoints of `$all` readers (relay, in-process delivery).
CREATE TABLE eventstore.checkpoints (
    name       text        PRIMARY KEY,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
