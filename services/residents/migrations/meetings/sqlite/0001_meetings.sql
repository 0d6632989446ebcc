-- Meetings with their rules, attendance, motions and votes: ids, codes and
-- counts only, no personal data. Booleans are BIGINT 0/1 and times RFC 3339
-- text, so the same SQL runs on PostgreSQL and SQLite.
CREATE TABLE IF NOT EXISTS meetings (
    meeting_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    kind BIGINT NOT NULL,
    title TEXT NOT NULL,
    convener BIGINT NOT NULL,
    convened_by TEXT NOT NULL,
    petition_signatures BIGINT NOT NULL,
    scheduled_at TEXT NOT NULL,
    notice_given_at TEXT NOT NULL,
    eligible_count BIGINT NOT NULL,
    quorum_numerator BIGINT NOT NULL,
    quorum_denominator BIGINT NOT NULL,
    passing_numerator BIGINT NOT NULL,
    passing_denominator BIGINT NOT NULL,
    -- 1 convened, 2 open, 3 closed (MeetingPhase).
    phase BIGINT NOT NULL,
    opened_at TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL DEFAULT '',
    convened_position BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS meetings_by_district ON meetings (district, convened_position);
CREATE INDEX IF NOT EXISTS meetings_by_community ON meetings (district, community, convened_position);

CREATE TABLE IF NOT EXISTS meeting_attendees (
    meeting_id TEXT NOT NULL,
    voter_id TEXT NOT NULL,
    PRIMARY KEY (meeting_id, voter_id)
);

-- Counts of a closed motion are the ones its MotionClosed event recorded;
-- an open motion's are counted from meeting_votes.
CREATE TABLE IF NOT EXISTS meeting_motions (
    meeting_id TEXT NOT NULL,
    motion_id TEXT NOT NULL,
    title TEXT NOT NULL,
    tabled_position BIGINT NOT NULL,
    closed BIGINT NOT NULL DEFAULT 0,
    passed BIGINT NOT NULL DEFAULT 0,
    reason BIGINT NOT NULL DEFAULT 0,
    votes_for BIGINT NOT NULL DEFAULT 0,
    votes_against BIGINT NOT NULL DEFAULT 0,
    abstentions BIGINT NOT NULL DEFAULT 0,
    present_count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, motion_id)
);

CREATE TABLE IF NOT EXISTS meeting_votes (
    meeting_id TEXT NOT NULL,
    motion_id TEXT NOT NULL,
    voter_id TEXT NOT NULL,
    choice BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, motion_id, voter_id)
);
