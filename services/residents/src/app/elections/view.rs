//! Reading the `elections` read model: an election with its groups, its
//! candidates, how many have voted and, once counted, the result per group.

use crate::domain::participation::elections::AgeGroup;
use crate::projections::{ELECTED, RUNOFF};
use gongzhi_divisions::CommunityCode;
use gongzhi_kernel::DistrictCode;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectionPhase {
    /// Candidates may be nominated until the first ballot.
    Nominating,
    /// Ballots cast; nominations closed.
    Voting,
    Counted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResultView {
    pub group_id: String,
    pub seats: u32,
    /// (candidate, votes), most votes first, then by id.
    pub tallies: Vec<(String, u32)>,
    pub elected: Vec<String>,
    pub runoff_candidates: Vec<String>,
    pub runoff_seats: u32,
    pub vacant_seats: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionView {
    pub election_id: String,
    pub district: String,
    pub community: String,
    pub title: String,
    pub eligible_voters: u32,
    pub ballots_cast: u32,
    pub phase: ElectionPhase,
    pub opened_at: String,
    pub counted_at: String,
    /// Empty in lists.
    pub groups: Vec<AgeGroup>,
    /// (candidate, group), in the order nominated; empty in lists.
    pub candidates: Vec<(String, String)>,
    /// Per group in the groups' order, once counted; empty in lists.
    pub results: Vec<GroupResultView>,
}

const SELECT_ELECTION: &str = "SELECT e.election_id, e.district, e.community, e.title, e.eligible_voters, \
     e.opened_at, e.counted, e.counted_at, e.opened_position, \
     (SELECT COUNT(*) FROM election_ballots b WHERE b.election_id = e.election_id) AS ballots_cast \
     FROM elections e";

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn election_from(row: &AnyRow) -> Result<(ElectionView, i64), sqlx::Error> {
    let counted: i64 = row.try_get("counted")?;
    let ballots_cast = count(row.try_get("ballots_cast")?);
    let phase = match (counted != 0, ballots_cast > 0) {
        (true, _) => ElectionPhase::Counted,
        (false, true) => ElectionPhase::Voting,
        (false, false) => ElectionPhase::Nominating,
    };
    let view = ElectionView {
        election_id: row.try_get("election_id")?,
        district: row.try_get("district")?,
        community: row.try_get("community")?,
        title: row.try_get("title")?,
        eligible_voters: count(row.try_get("eligible_voters")?),
        ballots_cast,
        phase,
        opened_at: row.try_get("opened_at")?,
        counted_at: row.try_get("counted_at")?,
        groups: Vec::new(),
        candidates: Vec::new(),
        results: Vec::new(),
    };
    Ok((view, row.try_get("opened_position")?))
}

pub(super) async fn election(
    tx: &mut Transaction<'static, Any>,
    district: &DistrictCode,
    election_id: Uuid,
) -> Result<Option<ElectionView>, sqlx::Error> {
    let sql = format!("{SELECT_ELECTION} WHERE e.election_id = $1 AND e.district = $2");
    let row = sqlx::query(&sql)
        .bind(election_id.to_string())
        .bind(district.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref()
        .map(election_from)
        .transpose()
        .map(|found| found.map(|(view, _)| view))
}

type GroupRow = (String, i64, i64, i64, i64, i64);

/// Fills in groups, candidates and, once counted, the results.
pub(super) async fn details(
    tx: &mut Transaction<'static, Any>,
    election: &mut ElectionView,
) -> Result<(), sqlx::Error> {
    let groups: Vec<GroupRow> = sqlx::query_as(
        "SELECT group_id, min_age, max_age, seats, runoff_seats, vacant_seats FROM election_groups \
         WHERE election_id = $1 ORDER BY ordinal",
    )
    .bind(election.election_id.clone())
    .fetch_all(&mut **tx)
    .await?;
    let candidates: Vec<(String, String)> = sqlx::query_as(
        "SELECT candidate_id, group_id FROM election_candidates WHERE election_id = $1 \
         ORDER BY nominated_position, candidate_id",
    )
    .bind(election.election_id.clone())
    .fetch_all(&mut **tx)
    .await?;
    let results: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT group_id, candidate_id, votes, outcome FROM election_results WHERE election_id = $1 \
         ORDER BY group_id, place",
    )
    .bind(election.election_id.clone())
    .fetch_all(&mut **tx)
    .await?;
    election.groups = groups
        .iter()
        .map(|(group_id, min_age, max_age, seats, _, _)| AgeGroup {
            group_id: group_id.clone(),
            min_age: count(*min_age),
            max_age: (*max_age != 0).then(|| count(*max_age)),
            seats: count(*seats),
        })
        .collect();
    election.candidates = candidates;
    if election.phase != ElectionPhase::Counted {
        return Ok(());
    }
    election.results = groups
        .into_iter()
        .map(|(group_id, _, _, seats, runoff_seats, vacant_seats)| {
            let mine = results.iter().filter(|(g, ..)| *g == group_id);
            let with = |outcome: i64| {
                mine.clone()
                    .filter(|(.., o)| *o == outcome)
                    .map(|(_, candidate, ..)| candidate.clone())
                    .collect()
            };
            GroupResultView {
                tallies: mine
                    .clone()
                    .map(|(_, candidate, votes, _)| (candidate.clone(), count(*votes)))
                    .collect(),
                elected: with(ELECTED),
                runoff_candidates: with(RUNOFF),
                group_id,
                seats: count(seats),
                runoff_seats: count(runoff_seats),
                vacant_seats: count(vacant_seats),
            }
        })
        .collect();
    Ok(())
}

pub(super) async fn page(
    tx: &mut Transaction<'static, Any>,
    district: &DistrictCode,
    community: Option<&CommunityCode>,
    page_size: u32,
    after: i64,
) -> Result<(Vec<ElectionView>, Option<i64>), sqlx::Error> {
    let limit = i64::from(page_size) + 1;
    let rows = match community {
        Some(community) => {
            let sql = format!(
                "{SELECT_ELECTION} WHERE e.district = $1 AND e.community = $2 AND e.opened_position > $3 \
                 ORDER BY e.opened_position LIMIT $4"
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
                "{SELECT_ELECTION} WHERE e.district = $1 AND e.opened_position > $2 \
                 ORDER BY e.opened_position LIMIT $3"
            );
            sqlx::query(&sql)
                .bind(district.as_str())
                .bind(after)
                .bind(limit)
                .fetch_all(&mut **tx)
                .await?
        }
    };
    let size = usize::try_from(page_size).unwrap_or(usize::MAX);
    let mut elections = rows
        .iter()
        .map(election_from)
        .collect::<Result<Vec<_>, _>>()?;
    let more = elections.len() > size;
    elections.truncate(size);
    let next = if more {
        elections.last().map(|(_, position)| *position)
    } else {
        None
    };
    Ok((elections.into_iter().map(|(view, _)| view).collect(), next))
}
