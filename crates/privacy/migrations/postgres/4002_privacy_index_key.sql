-- The index key (keyed hashes of ID numbers) wrapped under the
-- key-encryption key. Written by the first master key rotation, so that
-- keyed hashes, which events and stream names carry, stay the same under
-- every later master key. Before that the index key derives from the master
-- key, and this table is empty.
CREATE TABLE privacy.index_key (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    wrapped_key BYTEA NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
