-- One row per data subject. `wrapped_key` is the subject's data key, wrapped
-- (AES-256-GCM) under the key-encryption key derived from the master key.
-- Erasure sets `wrapped_key` to NULL and `erased_at`: the row stays as a
-- tombstone so no new key is ever created for an erased subject.
CREATE SCHEMA IF NOT EXISTS privacy;

CREATE TABLE privacy.subject_keys (
    subject_id  TEXT PRIMARY KEY,
    district    TEXT NOT NULL,
    wrapped_key BYTEA NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    erased_at   TIMESTAMPTZ NULL,
    -- A row holds a key or is erased, never both and never neither.
    CONSTRAINT subject_keys_key_xor_erased CHECK ((wrapped_key IS NULL) <> (erased_at IS NULL))
);

CREATE INDEX subject_keys_district ON privacy.subject_keys (district);
