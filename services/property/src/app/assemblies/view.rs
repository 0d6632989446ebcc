//! The assembly query: every matter with its ballots so far and, once the
//! assembly closed, its tally, outcome and the reason in words.

use super::super::{AppError, PropertyApp};
use crate::domain::assembly::Matter;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1 as pb;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

type AssemblyRow = (
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
);

/// One matter with its ballots so far and, once decided, its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterView {
    pub matter_id: String,
    /// `MatterKind` number of the events.
    pub kind: i32,
    pub title: String,
    pub proposal: String,
    pub threshold: pb::MatterThreshold,
    pub ballots: u32,
    /// Of `ballots`: on paper, recorded by staff, and cast online.
    pub written_ballots: u32,
    pub online_ballots: u32,
    pub decided: bool,
    pub passed: bool,
    pub reason: pb::MatterOutcomeReason,
    /// The reason in words, with the exact figures.
    pub explanation: String,
    pub tally: Option<pb::Tally>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyView {
    pub assembly_id: String,
    pub estate_id: String,
    pub district: String,
    pub first: bool,
    pub convened_by: String,
    pub notice_given_on: String,
    pub held_on: String,
    pub total_area: String,
    pub head_count: u32,
    pub closed: bool,
    pub closed_at: String,
    pub matters: Vec<MatterView>,
}

fn heads(raw: i64) -> u32 {
    u32::try_from(raw).unwrap_or(0)
}

fn tally_part(area: String, count: i64) -> Option<pb::TallyPart> {
    Some(pb::TallyPart {
        area,
        heads: heads(count),
    })
}

fn threshold_words(threshold: pb::MatterThreshold) -> &'static str {
    match threshold {
        pb::MatterThreshold::AtLeastThreeQuarters => "at least 3/4",
        _ => "more than 1/2",
    }
}

/// Why the matter passed or failed, with the exact figures.
pub fn explanation(
    reason: pb::MatterOutcomeReason,
    threshold: pb::MatterThreshold,
    t: &pb::Tally,
) -> String {
    let p = |part: &Option<pb::TallyPart>| part.clone().unwrap_or_default();
    let (roll, taking_part, agree) = (p(&t.roll), p(&t.participating), p(&t.agree));
    let needed = threshold_words(threshold);
    match reason {
        pb::MatterOutcomeReason::Passed => format!(
            "passed: {} of {} m² and {} of {} owners taking part agreed ({needed} of both needed); \
             those taking part held {} of {} m² and were {} of {} owners (at least 2/3 of both needed)",
            agree.area,
            taking_part.area,
            agree.heads,
            taking_part.heads,
            taking_part.area,
            roll.area,
            taking_part.heads,
            roll.heads
        ),
        pb::MatterOutcomeReason::ParticipatingAreaBelowTwoThirds => format!(
            "failed: owners taking part held {} of {} m², below the 2/3 of the exclusive area needed",
            taking_part.area, roll.area
        ),
        pb::MatterOutcomeReason::ParticipatingHeadsBelowTwoThirds => format!(
            "failed: {} of {} owners took part, below the 2/3 of the owners needed",
            taking_part.heads, roll.heads
        ),
        pb::MatterOutcomeReason::AgreeingAreaBelowThreshold => format!(
            "failed: owners agreeing held {} of the {} m² taking part; {needed} needed",
            agree.area, taking_part.area
        ),
        pb::MatterOutcomeReason::AgreeingHeadsBelowThreshold => format!(
            "failed: {} of the {} owners taking part agreed; {needed} needed",
            agree.heads, taking_part.heads
        ),
        pb::MatterOutcomeReason::Unspecified => "not decided yet: the assembly is open".to_owned(),
    }
}

/// Ballots of one matter by channel: (written, online).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Ballots {
    written: u32,
    online: u32,
    other: u32,
}

impl Ballots {
    fn total(self) -> u32 {
        self.written + self.online + self.other
    }
}

fn matter(row: &AnyRow, ballots: Ballots) -> Result<MatterView, sqlx::Error> {
    let text = |i: usize| row.try_get::<String, _>(i);
    let int = |i: usize| row.try_get::<i64, _>(i);
    let kind = i32::try_from(int(1)?).unwrap_or(0);
    let decided = int(4)? != 0;
    let threshold = if decided {
        pb::MatterThreshold::try_from(i32::try_from(int(6)?).unwrap_or(0)).unwrap_or_default()
    } else {
        Matter::from_proto(kind).map_or(pb::MatterThreshold::Unspecified, |m| {
            m.threshold().to_proto()
        })
    };
    let reason =
        pb::MatterOutcomeReason::try_from(i32::try_from(int(7)?).unwrap_or(0)).unwrap_or_default();
    let tally = if decided {
        Some(pb::Tally {
            roll: tally_part(text(8)?, int(9)?),
            participating: tally_part(text(10)?, int(11)?),
            agree: tally_part(text(12)?, int(13)?),
            against: tally_part(text(14)?, int(15)?),
            abstain: tally_part(text(16)?, int(17)?),
        })
    } else {
        None
    };
    Ok(MatterView {
        matter_id: text(0)?,
        kind,
        title: text(2)?,
        proposal: text(3)?,
        threshold,
        ballots: ballots.total(),
        written_ballots: ballots.written,
        online_ballots: ballots.online,
        decided,
        passed: int(5)? != 0,
        reason,
        explanation: explanation(reason, threshold, &tally.clone().unwrap_or_default()),
        tally,
    })
}

/// The assembly `id` as its read model holds it, in `district` only.
pub(crate) async fn load_assembly(
    tx: &mut Transaction<'static, Any>,
    district: &DistrictCode,
    id: &str,
) -> Result<Option<AssemblyView>, AppError> {
    let row: Option<AssemblyRow> = sqlx::query_as(
        "SELECT estate_id, district, first, convened_by, notice_given_on, held_on, total_area, head_count, closed, closed_at \
         FROM assemblies WHERE assembly_id = $1",
    )
    .bind(id.to_owned())
    .fetch_optional(&mut **tx)
    .await?;
    let Some((
        estate_id,
        row_district,
        first,
        convened_by,
        notice,
        held_on,
        total_area,
        head_count,
        closed,
        closed_at,
    )) = row
    else {
        return Ok(None);
    };
    if row_district != district.as_str() {
        return Ok(None);
    }
    let rows: Vec<AnyRow> = sqlx::query(
        "SELECT matter_id, kind, title, proposal, decided, passed, threshold, reason, \
         roll_area, roll_heads, participating_area, participating_heads, agree_area, agree_heads, \
         against_area, against_heads, abstain_area, abstain_heads \
         FROM assembly_matters WHERE assembly_id = $1 ORDER BY ordinal",
    )
    .bind(id.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let counts: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT matter_id, channel, COUNT(*) FROM assembly_ballots WHERE assembly_id = $1 GROUP BY matter_id, channel",
    )
    .bind(id.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let ballots = |matter_id: &str| {
        let mut b = Ballots::default();
        for (_, channel, n) in counts.iter().filter(|(m, _, _)| m == matter_id) {
            let n = heads(*n);
            match pb::BallotChannel::try_from(i32::try_from(*channel).unwrap_or(0)) {
                Ok(pb::BallotChannel::Written) => b.written += n,
                Ok(pb::BallotChannel::Online) => b.online += n,
                _ => b.other += n,
            }
        }
        b
    };
    let mut matters = Vec::with_capacity(rows.len());
    for row in &rows {
        let matter_id: String = row.try_get(0)?;
        matters.push(matter(row, ballots(&matter_id))?);
    }
    Ok(Some(AssemblyView {
        assembly_id: id.to_owned(),
        estate_id,
        district: row_district,
        first: first != 0,
        convened_by,
        notice_given_on: notice,
        held_on,
        total_area,
        head_count: heads(head_count),
        closed: closed != 0,
        closed_at,
        matters,
    }))
}

impl PropertyApp {
    pub async fn get_assembly(
        &self,
        district: &DistrictCode,
        assembly_id: Uuid,
        min_position: u64,
    ) -> Result<AssemblyView, AppError> {
        let mut tx = self
            .read_after(&self.read_models.assemblies, min_position)
            .await?;
        let view = load_assembly(&mut tx, district, &assembly_id.to_string()).await?;
        tx.commit().await?;
        view.ok_or(AppError::NotFound("assembly"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(area: &str, heads: u32) -> Option<pb::TallyPart> {
        Some(pb::TallyPart {
            area: area.into(),
            heads,
        })
    }

    fn tally() -> pb::Tally {
        pb::Tally {
            roll: part("500.00", 5),
            participating: part("380.00", 4),
            agree: part("170.00", 2),
            against: part("210.00", 2),
            abstain: part("0.00", 0),
        }
    }

    #[test]
    fn each_reason_is_told_with_its_figures() {
        let t = tally();
        let three_quarters = pb::MatterThreshold::AtLeastThreeQuarters;
        let cases = [
            (
                pb::MatterOutcomeReason::AgreeingAreaBelowThreshold,
                "failed: owners agreeing held 170.00 of the 380.00 m² taking part; at least 3/4 needed",
            ),
            (
                pb::MatterOutcomeReason::AgreeingHeadsBelowThreshold,
                "failed: 2 of the 4 owners taking part agreed; at least 3/4 needed",
            ),
            (
                pb::MatterOutcomeReason::ParticipatingAreaBelowTwoThirds,
                "failed: owners taking part held 380.00 of 500.00 m², below the 2/3 of the exclusive area needed",
            ),
            (
                pb::MatterOutcomeReason::ParticipatingHeadsBelowTwoThirds,
                "failed: 4 of 5 owners took part, below the 2/3 of the owners needed",
            ),
        ];
        for (reason, expected) in cases {
            assert_eq!(explanation(reason, three_quarters, &t), expected);
        }
        let passed = explanation(
            pb::MatterOutcomeReason::Passed,
            pb::MatterThreshold::MoreThanHalf,
            &t,
        );
        assert!(passed.starts_with("passed: 170.00 of 380.00 m² and 2 of 4 owners"));
        assert!(passed.contains("more than 1/2"));
        assert_eq!(
            explanation(
                pb::MatterOutcomeReason::Unspecified,
                pb::MatterThreshold::MoreThanHalf,
                &pb::Tally::default()
            ),
            "not decided yet: the assembly is open"
        );
    }
}
