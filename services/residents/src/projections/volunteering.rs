//! `volunteering`: activities with their attendance, each resident's points
//! account and ledger, and the reward catalogue, from the `activity`,
//! `points` and `reward` streams.
//!
//! Balances are copied from the events' `balance_after` (the decider's own
//! number, never recomputed here); totals move only when the ledger row of
//! the event is new, so a redelivered event counts once.

use crate::domain::participation::volunteering::{ActivityEvent, PointsEvent, RewardEvent};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct VolunteeringProjection;

pub(crate) const EARNED: &str = "EARNED";
pub(crate) const REDEEMED: &str = "REDEEMED";
pub(crate) const REFUNDED: &str = "REFUNDED";

#[async_trait::async_trait]
impl Projection for VolunteeringProjection {
    fn name(&self) -> &'static str {
        "volunteering"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["activity", "points", "reward"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/volunteering/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/volunteering/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let failed = |e: &dyn std::fmt::Display| {
            ProjectionError::apply(self.name(), event.event_id, e.to_string())
        };
        let position = i64::try_from(event.position).map_err(|e| failed(&e))?;
        match event.stream.category() {
            "activity" => {
                let decoded = ActivityEvent::decode(&event.event_type, &event.payload)
                    .map_err(|e| failed(&e))?;
                apply_activity(connection, decoded, position).await
            }
            "points" => {
                let decoded = PointsEvent::decode(&event.event_type, &event.payload)
                    .map_err(|e| failed(&e))?;
                apply_points(connection, decoded, position).await
            }
            "reward" => {
                let decoded = RewardEvent::decode(&event.event_type, &event.payload)
                    .map_err(|e| failed(&e))?;
                apply_reward(connection, decoded).await
            }
            _ => Ok(()),
        }
    }
}

async fn apply_activity(
    connection: &mut AnyConnection,
    event: ActivityEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        ActivityEvent::Planned(e) => {
            sqlx::query(
                "INSERT INTO activities (activity_id, district, community, organiser_id, title, starts_at, ends_at, \
                 duration_minutes, points_per_hour, planned_position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (activity_id) DO NOTHING",
            )
            .bind(e.activity_id)
            .bind(e.district)
            .bind(e.community)
            .bind(e.organiser_id)
            .bind(e.title)
            .bind(e.starts_at)
            .bind(e.ends_at)
            .bind(e.duration_minutes)
            .bind(e.points_per_hour)
            .bind(position)
            .execute(&mut *connection)
            .await?;
        }
        ActivityEvent::AttendanceRecorded(e) => {
            sqlx::query(
                "INSERT INTO activity_attendance (activity_id, volunteer_id, minutes, recorded_position) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (activity_id, volunteer_id) DO NOTHING",
            )
            .bind(e.activity_id)
            .bind(e.volunteer_id)
            .bind(e.minutes)
            .bind(position)
            .execute(&mut *connection)
            .await?;
        }
        ActivityEvent::AttendanceAmended(e) => {
            sqlx::query(
                "UPDATE activity_attendance SET minutes = $1 WHERE activity_id = $2 AND volunteer_id = $3",
            )
            .bind(e.minutes)
            .bind(e.activity_id)
            .bind(e.volunteer_id)
            .execute(&mut *connection)
            .await?;
        }
        ActivityEvent::Certified(e) => {
            sqlx::query(
                "UPDATE activities SET certified = 1, certified_at = $1 WHERE activity_id = $2",
            )
            .bind(e.certified_at)
            .bind(e.activity_id.clone())
            .execute(&mut *connection)
            .await?;
            for attendee in e.attendees {
                sqlx::query(
                    "UPDATE activity_attendance SET minutes = $1, points = $2 WHERE activity_id = $3 AND volunteer_id = $4",
                )
                .bind(attendee.minutes)
                .bind(attendee.points)
                .bind(e.activity_id.clone())
                .bind(attendee.volunteer_id)
                .execute(&mut *connection)
                .await?;
            }
        }
    }
    Ok(())
}

/// One ledger line; the account's totals move only if the line is new.
struct Line<'a> {
    resident_id: &'a str,
    district: &'a str,
    kind: &'static str,
    points: i64,
    balance_after: i64,
    activity_id: &'a str,
    redemption_id: &'a str,
    item_id: &'a str,
    at: &'a str,
}

async fn apply_points(
    connection: &mut AnyConnection,
    event: PointsEvent,
    position: i64,
) -> Result<(), ProjectionError> {
    match event {
        PointsEvent::Earned(e) => {
            // The ledger dates a credit by its certification.
            let certified_at: Option<String> =
                sqlx::query_scalar("SELECT certified_at FROM activities WHERE activity_id = $1")
                    .bind(e.activity_id.clone())
                    .fetch_optional(&mut *connection)
                    .await?;
            let at = certified_at.unwrap_or_default();
            let line = Line {
                resident_id: &e.volunteer_id,
                district: &e.district,
                kind: EARNED,
                points: e.points,
                balance_after: e.balance_after,
                activity_id: &e.activity_id,
                redemption_id: "",
                item_id: "",
                at: &at,
            };
            record(connection, &line, position).await
        }
        PointsEvent::Redeemed(e) => {
            let line = Line {
                resident_id: &e.volunteer_id,
                district: &e.district,
                kind: REDEEMED,
                points: -e.cost,
                balance_after: e.balance_after,
                activity_id: "",
                redemption_id: &e.redemption_id,
                item_id: &e.item_id,
                at: &e.redeemed_at,
            };
            record(connection, &line, position).await
        }
        PointsEvent::Refunded(e) => {
            let item_id: Option<String> = sqlx::query_scalar(
                "SELECT item_id FROM points_ledger WHERE redemption_id = $1 AND kind = $2",
            )
            .bind(e.redemption_id.clone())
            .bind(REDEEMED)
            .fetch_optional(&mut *connection)
            .await?;
            let item_id = item_id.unwrap_or_default();
            let line = Line {
                resident_id: &e.volunteer_id,
                district: &e.district,
                kind: REFUNDED,
                points: e.points,
                balance_after: e.balance_after,
                activity_id: "",
                redemption_id: &e.redemption_id,
                item_id: &item_id,
                at: &e.refunded_at,
            };
            record(connection, &line, position).await
        }
    }
}

async fn record(
    connection: &mut AnyConnection,
    line: &Line<'_>,
    position: i64,
) -> Result<(), ProjectionError> {
    let inserted = sqlx::query(
        "INSERT INTO points_ledger (position, resident_id, kind, points, balance_after, activity_id, redemption_id, item_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (position) DO NOTHING",
    )
    .bind(position)
    .bind(line.resident_id.to_owned())
    .bind(line.kind)
    .bind(line.points)
    .bind(line.balance_after)
    .bind(line.activity_id.to_owned())
    .bind(line.redemption_id.to_owned())
    .bind(line.item_id.to_owned())
    .bind(line.at.to_owned())
    .execute(&mut *connection)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    let (earned, redeemed, refunded) = match line.kind {
        EARNED => (line.points, 0, 0),
        REDEEMED => (0, -line.points, 0),
        _ => (0, 0, line.points),
    };
    sqlx::query(
        "INSERT INTO points_accounts (resident_id, district, balance, earned, redeemed, refunded) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (resident_id) DO UPDATE SET \
         balance = excluded.balance, earned = points_accounts.earned + excluded.earned, \
         redeemed = points_accounts.redeemed + excluded.redeemed, \
         refunded = points_accounts.refunded + excluded.refunded",
    )
    .bind(line.resident_id.to_owned())
    .bind(line.district.to_owned())
    .bind(line.balance_after)
    .bind(earned)
    .bind(redeemed)
    .bind(refunded)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

async fn apply_reward(
    connection: &mut AnyConnection,
    event: RewardEvent,
) -> Result<(), ProjectionError> {
    match event {
        RewardEvent::Listed(e) => {
            sqlx::query(
                "INSERT INTO reward_items (item_id, district, name, cost, stock) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (item_id) DO NOTHING",
            )
            .bind(e.item_id)
            .bind(e.district)
            .bind(e.name)
            .bind(e.cost)
            .bind(i64::from(e.stock))
            .execute(&mut *connection)
            .await?;
        }
        RewardEvent::Changed(e) => {
            sqlx::query(
                "UPDATE reward_items SET name = $1, cost = $2, stock = $3 WHERE item_id = $4",
            )
            .bind(e.name)
            .bind(e.cost)
            .bind(i64::from(e.stock))
            .bind(e.item_id)
            .execute(&mut *connection)
            .await?;
        }
        RewardEvent::Taken(e) => {
            sqlx::query("UPDATE reward_items SET stock = $1 WHERE item_id = $2")
                .bind(i64::from(e.stock_after))
                .bind(e.item_id)
                .execute(&mut *connection)
                .await?;
        }
    }
    Ok(())
}
