-- The SQLite twin of the PostgreSQL `privacy.subject_keys` table. SQLite has
-- no schemas, so the table carries the `privacy_` prefix instead.
CREATE TABLE privacy_subject_keys (
    subject_id  TEXT PRIMARY KEY NOT NULL,
    district    TEXT NOT NULL,
    wrapped_key BLOB NULL,
    created_at  TEXT NOT NULL,
    erased_at   TEXT NULL,
    CHECK ((wrapped_key IS NULL) <> (erased_at IS NULL))
);

CREATE INDEX privacy_subject_keys_district ON privacy_subject_keys (district);
