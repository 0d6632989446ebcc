//! `households`: each household with its head and members.

use crate::domain::{HouseholdEvent, Relation};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct HouseholdsProjection;

#[async_trait::async_trait]
impl Projection for HouseholdsProjection {
    fn name(&self) -> &'static str {
        "households"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["household"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/households/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/households/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = HouseholdEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        match decoded {
            HouseholdEvent::Created(e) => {
                sqlx::query(
                    "INSERT INTO households (household_id, district, community, head_resident_id) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (household_id) DO NOTHING",
                )
                .bind(e.household_id.clone())
                .bind(e.district)
                .bind(e.community)
                .bind(e.head_resident_id.clone())
                .execute(&mut *connection)
                .await?;
                add_member(
                    connection,
                    &e.household_id,
                    &e.head_resident_id,
                    Relation::Head as i32,
                    position,
                )
                .await?;
            }
            HouseholdEvent::MemberAdded(e) => {
                add_member(
                    connection,
                    &e.household_id,
                    &e.resident_id,
                    e.relation,
                    position,
                )
                .await?;
            }
            HouseholdEvent::MemberRemoved(e) => {
                sqlx::query(
                    "DELETE FROM household_members WHERE household_id = $1 AND resident_id = $2",
                )
                .bind(e.household_id.clone())
                .bind(e.resident_id.clone())
                .execute(&mut *connection)
                .await?;
                sqlx::query("UPDATE households SET head_resident_id = '' WHERE household_id = $1 AND head_resident_id = $2")
                    .bind(e.household_id)
                    .bind(e.resident_id)
                    .execute(&mut *connection)
                    .await?;
            }
            HouseholdEvent::HeadChanged(e) => {
                sqlx::query("UPDATE households SET head_resident_id = $1 WHERE household_id = $2")
                    .bind(e.new_head_resident_id.clone())
                    .bind(e.household_id.clone())
                    .execute(&mut *connection)
                    .await?;
                set_relation(
                    connection,
                    &e.household_id,
                    &e.new_head_resident_id,
                    Relation::Head as i32,
                )
                .await?;
                set_relation(
                    connection,
                    &e.household_id,
                    &e.previous_head_resident_id,
                    e.previous_head_relation,
                )
                .await?;
            }
        }
        Ok(())
    }
}

async fn add_member(
    connection: &mut AnyConnection,
    household_id: &str,
    resident_id: &str,
    relation: i32,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO household_members (household_id, resident_id, relation, joined_position) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (household_id, resident_id) DO NOTHING",
    )
    .bind(household_id.to_owned())
    .bind(resident_id.to_owned())
    .bind(i64::from(relation))
    .bind(position)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

async fn set_relation(
    connection: &mut AnyConnection,
    household_id: &str,
    resident_id: &str,
    relation: i32,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "UPDATE household_members SET relation = $1 WHERE household_id = $2 AND resident_id = $3",
    )
    .bind(i64::from(relation))
    .bind(household_id.to_owned())
    .bind(resident_id.to_owned())
    .execute(&mut *connection)
    .await?;
    Ok(())
}
