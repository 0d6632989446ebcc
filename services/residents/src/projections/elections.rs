//! `elections`: each election with its age groups, candidates, who has voted
//! (never how: the choices stay in the events) and, once counted, the result
//! per group. Every apply is idempotent, so a redelivered event changes
//! nothing.

use crate::domain::participation::elections::ElectionEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct ElectionsProjection;

/// A candidate's outcome as stored.
pub const ELECTED: i64 = 1;
pub const RUNOFF: i64 = 2;
pub const NOT_ELECTED: i64 = 3;

#[async_trait::async_trait]
impl Projection for ElectionsProjection {
    fn name(&self) -> &'static str {
        "elections"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["election"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/elections/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/elections/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = ElectionEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        match decoded {
            ElectionEvent::Opened(e) => {
                sqlx::query(
                    "INSERT INTO elections (election_id, district, community, title, eligible_voters, opened_at, \
                     opened_position) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (election_id) DO NOTHING",
                )
                .bind(e.election_id.clone())
                .bind(e.district)
                .bind(e.community)
                .bind(e.title)
                .bind(i64::from(e.eligible_voters))
                .bind(e.opened_at)
                .bind(position)
                .execute(&mut *connection)
                .await?;
                for (ordinal, group) in (0_i64..).zip(e.groups) {
                    sqlx::query(
                        "INSERT INTO election_groups (election_id, group_id, ordinal, min_age, max_age, seats) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (election_id, group_id) DO NOTHING",
                    )
                    .bind(e.election_id.clone())
                    .bind(group.group_id)
                    .bind(ordinal)
                    .bind(i64::from(group.min_age))
                    .bind(i64::from(group.max_age))
                    .bind(i64::from(group.seats))
                    .execute(&mut *connection)
                    .await?;
                }
            }
            ElectionEvent::CandidateNominated(e) => {
                sqlx::query(
                    "INSERT INTO election_candidates (election_id, candidate_id, group_id, nominated_position) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (election_id, candidate_id) DO NOTHING",
                )
                .bind(e.election_id)
                .bind(e.candidate_id)
                .bind(e.group_id)
                .bind(position)
                .execute(&mut *connection)
                .await?;
            }
            ElectionEvent::BallotCast(e) => {
                sqlx::query(
                    "INSERT INTO election_ballots (election_id, voter_id) VALUES ($1, $2) \
                     ON CONFLICT (election_id, voter_id) DO NOTHING",
                )
                .bind(e.election_id)
                .bind(e.voter_id)
                .execute(&mut *connection)
                .await?;
            }
            ElectionEvent::Counted(e) => {
                sqlx::query(
                    "UPDATE elections SET counted = 1, counted_at = $1 WHERE election_id = $2",
                )
                .bind(e.closed_at)
                .bind(e.election_id.clone())
                .execute(&mut *connection)
                .await?;
                for result in e.results {
                    record_group(connection, &e.election_id, result).await?;
                }
            }
        }
        Ok(())
    }
}

async fn record_group(
    connection: &mut AnyConnection,
    election_id: &str,
    result: pb::ElectionGroupResult,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "UPDATE election_groups SET runoff_seats = $1, vacant_seats = $2 \
         WHERE election_id = $3 AND group_id = $4",
    )
    .bind(i64::from(result.runoff_seats))
    .bind(i64::from(result.vacant_seats))
    .bind(election_id.to_owned())
    .bind(result.group_id.clone())
    .execute(&mut *connection)
    .await?;
    for (place, tally) in (1_i64..).zip(result.tallies) {
        let outcome = if result.elected.contains(&tally.candidate_id) {
            ELECTED
        } else if result.runoff_candidates.contains(&tally.candidate_id) {
            RUNOFF
        } else {
            NOT_ELECTED
        };
        sqlx::query(
            "INSERT INTO election_results (election_id, group_id, candidate_id, votes, place, outcome) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (election_id, group_id, candidate_id) DO NOTHING",
        )
        .bind(election_id.to_owned())
        .bind(result.group_id.clone())
        .bind(tally.candidate_id)
        .bind(i64::from(tally.votes))
        .bind(place)
        .bind(outcome)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}
