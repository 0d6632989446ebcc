-- Elections with their age groups, candidates, who has voted (not how) and
-- the counted results: ids, codes and counts only, no personal data.
-- Booleans are BIGINT 0/1 and times RFC 3339 text, so the same SQL runs on
-- PostgreSQL and SQLite.
CREATE TABLE IF NOT EXISTS elections (
    election_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    title TEXT NOT NULL,
    eligible_voters BIGINT NOT NULL,
    opened_at TEXT NOT NULL,
    counted BIGINT NOT NULL DEFAULT 0,
    counted_at TEXT NOT NULL DEFAULT '',
    opened_position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS elections_by_district ON elections (district, opened_position);
CREATE INDEX IF NOT EXISTS elections_by_community ON elections (district, community, opened_position);

-- runoff_seats and vacant_seats are set by the count.
CREATE TABLE IF NOT EXISTS election_groups (
    election_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    min_age BIGINT NOT NULL,
    -- 0: no upper bound.
    max_age BIGINT NOT NULL,
    seats BIGINT NOT NULL,
    runoff_seats BIGINT NOT NULL DEFAULT 0,
    vacant_seats BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (election_id, group_id)
);

CREATE TABLE IF NOT EXISTS election_candidates (
    election_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    nominated_position BIGINT NOT NULL,
    PRIMARY KEY (election_id, candidate_id)
);

-- Who has cast a ballot, for the turnout; the choices stay in the events.
CREATE TABLE IF NOT EXISTS election_ballots (
    election_id TEXT NOT NULL,
    voter_id TEXT NOT NULL,
    PRIMARY KEY (election_id, voter_id)
);

-- One row per candidate once counted. outcome: 1 elected, 2 run-off, 3 not elected.
CREATE TABLE IF NOT EXISTS election_results (
    election_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    votes BIGINT NOT NULL,
    place BIGINT NOT NULL,
    outcome BIGINT NOT NULL,
    PRIMARY KEY (election_id, group_id, candidate_id)
);
