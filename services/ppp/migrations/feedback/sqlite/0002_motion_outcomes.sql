-- Outcomes of residents' meeting motions (MotionClosed), for consultations
-- that cite a meeting: the residents' own quorum and majority decided them.
CREATE TABLE IF NOT EXISTS motion_outcomes (
    meeting_id TEXT NOT NULL,
    motion_id TEXT NOT NULL,
    district TEXT NOT NULL,
    votes_for BIGINT NOT NULL,
    votes_against BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, motion_id)
);
