-- The SQLite twin of `privacy.index_key`: the index key wrapped under the
-- key-encryption key, written by the first master key rotation.
CREATE TABLE privacy_index_key (
    id          INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    wrapped_key BLOB NOT NULL,
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
