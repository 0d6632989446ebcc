//! `property_assemblies`: each assembly with its matters, ballots and, once
//! closed, every matter's tally, outcome and the reason for it.
//!
//! Contract: built from `assembly` streams only; one plain write per event.

use super::decode;
use crate::domain::AssemblyEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::property::v1 as pb;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct AssembliesProjection;

const NAME: &str = "property_assemblies";

fn part(part: Option<&pb::TallyPart>) -> (String, i64) {
    part.map_or((String::new(), 0), |p| (p.area.clone(), i64::from(p.heads)))
}

async fn decided(
    connection: &mut AnyConnection,
    e: pb::MatterDecided,
) -> Result<(), ProjectionError> {
    let tally = e.tally.unwrap_or_default();
    let (roll_area, roll_heads) = part(tally.roll.as_ref());
    let (p_area, p_heads) = part(tally.participating.as_ref());
    let (agree_area, agree_heads) = part(tally.agree.as_ref());
    let (against_area, against_heads) = part(tally.against.as_ref());
    let (abstain_area, abstain_heads) = part(tally.abstain.as_ref());
    sqlx::query(
        "UPDATE assembly_matters SET decided = 1, passed = $1, threshold = $2, reason = $3, \
         roll_area = $4, roll_heads = $5, participating_area = $6, participating_heads = $7, \
         agree_area = $8, agree_heads = $9, against_area = $10, against_heads = $11, \
         abstain_area = $12, abstain_heads = $13 WHERE assembly_id = $14 AND matter_id = $15",
    )
    .bind(i64::from(e.passed))
    .bind(i64::from(e.threshold))
    .bind(i64::from(e.reason))
    .bind(roll_area)
    .bind(roll_heads)
    .bind(p_area)
    .bind(p_heads)
    .bind(agree_area)
    .bind(agree_heads)
    .bind(against_area)
    .bind(against_heads)
    .bind(abstain_area)
    .bind(abstain_heads)
    .bind(e.assembly_id)
    .bind(e.matter_id)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for AssembliesProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new(
            crate::CONTEXT,
            &[crate::app::ASSEMBLY_CATEGORY],
        )]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/assemblies/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/assemblies/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match decode::<AssemblyEvent>(NAME, event)? {
            AssemblyEvent::Convened(e) => {
                sqlx::query(
                    "INSERT INTO assemblies (assembly_id, estate_id, district, first, convened_by, notice_given_on, held_on, total_area, head_count) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (assembly_id) DO NOTHING",
                )
                .bind(e.assembly_id.clone())
                .bind(e.estate_id)
                .bind(e.district)
                .bind(i64::from(e.first))
                .bind(e.convened_by)
                .bind(e.notice_given_on)
                .bind(e.held_on)
                .bind(e.total_area)
                .bind(i64::from(e.head_count))
                .execute(&mut *connection)
                .await?;
                for (ordinal, matter) in (0i64..).zip(e.matters) {
                    sqlx::query(
                        "INSERT INTO assembly_matters (assembly_id, matter_id, ordinal, kind, title, proposal) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (assembly_id, matter_id) DO NOTHING",
                    )
                    .bind(e.assembly_id.clone())
                    .bind(matter.matter_id)
                    .bind(ordinal)
                    .bind(i64::from(matter.kind))
                    .bind(matter.title)
                    .bind(matter.proposal)
                    .execute(&mut *connection)
                    .await?;
                }
            }
            AssemblyEvent::BallotCast(e) => {
                sqlx::query(
                    "INSERT INTO assembly_ballots (assembly_id, matter_id, head, choice, channel, cast_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (assembly_id, matter_id, head) DO NOTHING",
                )
                .bind(e.assembly_id)
                .bind(e.matter_id)
                .bind(e.head)
                .bind(i64::from(e.choice))
                .bind(i64::from(e.channel))
                .bind(e.cast_at)
                .execute(&mut *connection)
                .await?;
            }
            AssemblyEvent::MatterDecided(e) => decided(connection, e).await?,
            AssemblyEvent::Closed(e) => {
                sqlx::query(
                    "UPDATE assemblies SET closed = 1, closed_at = $1 WHERE assembly_id = $2",
                )
                .bind(e.closed_at)
                .bind(e.assembly_id)
                .execute(&mut *connection)
                .await?;
            }
        }
        Ok(())
    }
}
