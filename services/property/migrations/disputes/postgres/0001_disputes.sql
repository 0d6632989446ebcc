-- Disputes with their mediation, escalation and outcome; parties, status,
-- level and outcome are proto enum numbers; dates are ISO text.
CREATE TABLE IF NOT EXISTS disputes (
    dispute_id TEXT PRIMARY KEY,
    estate_id TEXT NOT NULL,
    district TEXT NOT NULL,
    complainant BIGINT NOT NULL,
    complainant_id TEXT NOT NULL,
    respondent BIGINT NOT NULL,
    respondent_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    status BIGINT NOT NULL,
    mediator TEXT NOT NULL DEFAULT '',
    mediation_started_on TEXT NOT NULL DEFAULT '',
    level BIGINT NOT NULL DEFAULT 0,
    escalation_reason TEXT NOT NULL DEFAULT '',
    outcome BIGINT NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '',
    resolved_on TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS disputes_by_estate ON disputes (district, estate_id);
