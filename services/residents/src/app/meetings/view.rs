//! Reading the `meetings` read model: a meeting with its attendance and
//! motions; counts of an open motion from its votes so far, of a closed one
//! as its closing event recorded them.

use crate::domain::participation::meetings::{
    MeetingPhase, MotionChoice, MotionCounts, MotionOutcomeReason, QuorumRules, Share,
};
use gongzhi_divisions::CommunityCode;
use gongzhi_kernel::DistrictCode;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MotionView {
    pub motion_id: String,
    pub title: String,
    pub counts: MotionCounts,
    pub closed: bool,
    pub passed: bool,
    pub reason: MotionOutcomeReason,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingView {
    pub meeting_id: String,
    pub district: String,
    pub community: String,
    pub kind: i32,
    pub title: String,
    pub convener: i32,
    pub convened_by: String,
    pub petition_signatures: u32,
    pub scheduled_at: String,
    pub notice_given_at: String,
    pub eligible_count: u32,
    pub present_count: u32,
    pub rules: QuorumRules,
    /// `None` for a phase a newer writer stored.
    pub phase: Option<MeetingPhase>,
    pub opened_at: String,
    pub closed_at: String,
    /// Empty in lists.
    pub motions: Vec<MotionView>,
}

impl MeetingView {
    /// Strictly more than the quorum share of the eligible are present.
    pub fn quorum_reached(&self) -> bool {
        self.rules
            .quorum_share
            .exceeded_by(self.present_count, self.eligible_count)
    }
}

/// Why a closed motion passed or failed, in words with its numbers.
pub fn explain(
    rules: QuorumRules,
    counts: MotionCounts,
    present: u32,
    eligible: u32,
    reason: MotionOutcomeReason,
) -> String {
    let share = |s: Share| format!("{}/{}", s.numerator(), s.denominator());
    let votes_for = counts.votes_for;
    match reason {
        MotionOutcomeReason::NoQuorum => format!(
            "failed: no quorum, {present} present of {eligible} eligible is not more than {}",
            share(rules.quorum_share)
        ),
        MotionOutcomeReason::MajorityFor => format!(
            "passed: {votes_for} of {present} present voted for, more than {}",
            share(rules.passing_share)
        ),
        MotionOutcomeReason::NoMajorityFor => format!(
            "failed: {votes_for} of {present} present voted for, not more than {}",
            share(rules.passing_share)
        ),
        MotionOutcomeReason::Unspecified => String::new(),
    }
}

const SELECT_MEETING: &str = "SELECT m.meeting_id, m.district, m.community, m.kind, m.title, m.convener, \
     m.convened_by, m.petition_signatures, m.scheduled_at, m.notice_given_at, m.eligible_count, \
     m.quorum_numerator, m.quorum_denominator, m.passing_numerator, m.passing_denominator, m.phase, \
     m.opened_at, m.closed_at, m.convened_position, \
     (SELECT COUNT(*) FROM meeting_attendees a WHERE a.meeting_id = m.meeting_id) AS present_count \
     FROM meetings m";

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn share(numerator: i64, denominator: i64) -> Share {
    Share::parse(count(numerator), count(denominator)).unwrap_or(Share::HALF)
}

fn meeting_from(row: &AnyRow) -> Result<(MeetingView, i64), sqlx::Error> {
    let phase: i64 = row.try_get("phase")?;
    let view = MeetingView {
        meeting_id: row.try_get("meeting_id")?,
        district: row.try_get("district")?,
        community: row.try_get("community")?,
        kind: i32::try_from(row.try_get::<i64, _>("kind")?).unwrap_or(0),
        title: row.try_get("title")?,
        convener: i32::try_from(row.try_get::<i64, _>("convener")?).unwrap_or(0),
        convened_by: row.try_get("convened_by")?,
        petition_signatures: count(row.try_get("petition_signatures")?),
        scheduled_at: row.try_get("scheduled_at")?,
        notice_given_at: row.try_get("notice_given_at")?,
        eligible_count: count(row.try_get("eligible_count")?),
        present_count: count(row.try_get("present_count")?),
        rules: QuorumRules {
            quorum_share: share(
                row.try_get("quorum_numerator")?,
                row.try_get("quorum_denominator")?,
            ),
            passing_share: share(
                row.try_get("passing_numerator")?,
                row.try_get("passing_denominator")?,
            ),
        },
        phase: super::phase_of(phase),
        opened_at: row.try_get("opened_at")?,
        closed_at: row.try_get("closed_at")?,
        motions: Vec::new(),
    };
    Ok((view, row.try_get("convened_position")?))
}

pub(super) async fn meeting(
    tx: &mut Transaction<'static, Any>,
    district: &DistrictCode,
    meeting_id: Uuid,
) -> Result<Option<MeetingView>, sqlx::Error> {
    let sql = format!("{SELECT_MEETING} WHERE m.meeting_id = $1 AND m.district = $2");
    let row = sqlx::query(&sql)
        .bind(meeting_id.to_string())
        .bind(district.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref()
        .map(meeting_from)
        .transpose()
        .map(|found| found.map(|(view, _)| view))
}

type MotionRow = (String, String, i64, i64, i64, i64, i64, i64, i64);

pub(super) async fn motions(
    tx: &mut Transaction<'static, Any>,
    meeting: &MeetingView,
) -> Result<Vec<MotionView>, sqlx::Error> {
    let rows: Vec<MotionRow> = sqlx::query_as(
        "SELECT motion_id, title, closed, passed, reason, votes_for, votes_against, abstentions, present_count \
         FROM meeting_motions WHERE meeting_id = $1 ORDER BY tabled_position",
    )
    .bind(meeting.meeting_id.clone())
    .fetch_all(&mut **tx)
    .await?;
    let live: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT motion_id, choice, COUNT(*) FROM meeting_votes WHERE meeting_id = $1 GROUP BY motion_id, choice",
    )
    .bind(meeting.meeting_id.clone())
    .fetch_all(&mut **tx)
    .await?;
    let mut so_far: BTreeMap<String, MotionCounts> = BTreeMap::new();
    for (motion_id, choice, votes) in live {
        let counts = so_far.entry(motion_id).or_default();
        let votes = count(votes);
        match MotionChoice::try_from(i32::try_from(choice).unwrap_or(0)) {
            Ok(MotionChoice::For) => counts.votes_for += votes,
            Ok(MotionChoice::Against) => counts.votes_against += votes,
            _ => counts.abstentions += votes,
        }
    }
    Ok(rows
        .into_iter()
        .map(
            |(motion_id, title, closed, passed, reason, f, a, abstained, present)| {
                if closed == 0 {
                    let counts = so_far.remove(&motion_id).unwrap_or_default();
                    return MotionView {
                        motion_id,
                        title,
                        counts,
                        closed: false,
                        passed: false,
                        reason: MotionOutcomeReason::Unspecified,
                        explanation: format!(
                            "open: {} for, {} against, {} abstaining so far",
                            counts.votes_for, counts.votes_against, counts.abstentions
                        ),
                    };
                }
                let counts = MotionCounts {
                    votes_for: count(f),
                    votes_against: count(a),
                    abstentions: count(abstained),
                };
                let reason = MotionOutcomeReason::try_from(i32::try_from(reason).unwrap_or(0))
                    .unwrap_or(MotionOutcomeReason::Unspecified);
                MotionView {
                    motion_id,
                    title,
                    counts,
                    closed: true,
                    passed: passed != 0,
                    reason,
                    explanation: explain(
                        meeting.rules,
                        counts,
                        count(present),
                        meeting.eligible_count,
                        reason,
                    ),
                }
            },
        )
        .collect())
}

pub(super) async fn page(
    tx: &mut Transaction<'static, Any>,
    district: &DistrictCode,
    community: Option<&CommunityCode>,
    page_size: u32,
    after: i64,
) -> Result<(Vec<MeetingView>, Option<i64>), sqlx::Error> {
    let limit = i64::from(page_size) + 1;
    let rows = match community {
        Some(community) => {
            let sql = format!(
                "{SELECT_MEETING} WHERE m.district = $1 AND m.community = $2 AND m.convened_position > $3 \
                 ORDER BY m.convened_position LIMIT $4"
            );
            sqlx::query(&sql)
                .bind(district.as_str())
                .bind(community.as_str())
                .bind(after)
                .bind(limit)
                .fetch_all(&mut **tx)
                .await?
        }
        None => {
            let sql = format!(
                "{SELECT_MEETING} WHERE m.district = $1 AND m.convened_position > $2 \
                 ORDER BY m.convened_position LIMIT $3"
            );
            sqlx::query(&sql)
                .bind(district.as_str())
                .bind(after)
                .bind(limit)
                .fetch_all(&mut **tx)
                .await?
        }
    };
    let mut meetings = rows
        .iter()
        .map(meeting_from)
        .collect::<Result<Vec<_>, _>>()?;
    let more = meetings.len() > usize::try_from(page_size).unwrap_or(usize::MAX);
    meetings.truncate(usize::try_from(page_size).unwrap_or(usize::MAX));
    let next = if more {
        meetings.last().map(|(_, position)| *position)
    } else {
        None
    };
    Ok((meetings.into_iter().map(|(view, _)| view).collect(), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(votes_for: u32, votes_against: u32, abstentions: u32) -> MotionCounts {
        MotionCounts {
            votes_for,
            votes_against,
            abstentions,
        }
    }

    #[test]
    fn the_explanation_names_the_numbers_and_the_share() {
        let rules = QuorumRules::default();
        assert_eq!(
            explain(
                rules,
                counts(3, 3, 0),
                6,
                10,
                MotionOutcomeReason::NoMajorityFor
            ),
            "failed: 3 of 6 present voted for, not more than 1/2"
        );
        assert_eq!(
            explain(
                rules,
                counts(4, 2, 0),
                6,
                10,
                MotionOutcomeReason::MajorityFor
            ),
            "passed: 4 of 6 present voted for, more than 1/2"
        );
        assert_eq!(
            explain(rules, counts(0, 0, 0), 5, 10, MotionOutcomeReason::NoQuorum),
            "failed: no quorum, 5 present of 10 eligible is not more than 1/2"
        );
    }
}
