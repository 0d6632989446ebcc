//! The participation apps (volunteering, wishes) over an in-memory SQLite
//! event store and SQLite read models in a temporary directory, with a fake
//! clock: the real application code, no server, no NATS.

use super::ParticipationApp;
use super::volunteering::{Organiser, POINTS_CATEGORY, ScheduleActivity, VolunteeringApp};
use super::wishes::WishesApp;
use crate::domain::ResidentEvent;
use crate::projections::{VolunteeringProjection, WishesProjection};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use gongzhi_divisions::Divisions;
use gongzhi_eventstore::{
    AllFilter, EventData, ExpectedRevision, SharedEventStore, SqliteEventStore, StreamName,
};
use gongzhi_kernel::{DistrictCode, EventCodec, FakeClock};
use gongzhi_projections::{ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{Caller, CommandContext};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub const DISTRICT: &str = "500108";
pub const COMMUNITY: &str = "500108001002";
pub const ORGANISER: &str = "worker-1";

pub struct Fixture {
    pub app: VolunteeringApp,
    pub wishes: WishesApp,
    pub store: SharedEventStore,
    pub clock: FakeClock,
    pub read_models: Vec<ProjectionHandle>,
    _read_model_dir: tempfile::TempDir,
}

pub fn district() -> DistrictCode {
    DistrictCode::parse(DISTRICT).expect("valid test district")
}

pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0)
        .single()
        .expect("valid test time")
}

pub fn context(subject: &str, request_id: &str) -> CommandContext {
    let caller = Caller {
        subject: subject.to_owned(),
        roles: vec!["community_worker".to_owned()],
        districts: vec![district()],
    };
    CommandContext::new(caller, request_id).expect("valid request id")
}

impl Fixture {
    pub async fn new() -> Self {
        let store = SqliteEventStore::open_in_memory()
            .await
            .expect("in-memory store");
        store.migrate().await.expect("store migrations");
        let store: SharedEventStore = Arc::new(store);
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = ReadModelDb::sqlite(dir.path())
            .await
            .expect("read model directory");
        let volunteering = db
            .register(Arc::new(VolunteeringProjection), store.clone())
            .await
            .expect("read model migrations");
        let wishes = db
            .register(Arc::new(WishesProjection), store.clone())
            .await
            .expect("read model migrations");
        let clock = FakeClock::at(noon());
        let participation = ParticipationApp::new(store.clone(), Duration::from_secs(5))
            .with_clock(Arc::new(clock.clone()));
        Self {
            app: VolunteeringApp::new(participation.clone(), volunteering.clone()),
            wishes: WishesApp::new(participation, wishes.clone()),
            store,
            clock,
            read_models: vec![volunteering, wishes],
            _read_model_dir: dir,
        }
    }

    /// A resident living in the district, as registration leaves them.
    pub async fn resident(&self) -> Uuid {
        let resident_id = Uuid::new_v4();
        let event = ResidentEvent::Registered(pb::ResidentRegistered {
            resident_id: resident_id.to_string(),
            district: DISTRICT.into(),
            community: COMMUNITY.into(),
            ..Default::default()
        });
        let stream = StreamName::new("resident", resident_id).expect("stream name");
        let metadata =
            context("registrar", &format!("register-{resident_id}")).metadata(Some(district()));
        self.store
            .append(
                &stream,
                ExpectedRevision::NoStream,
                vec![EventData {
                    event_id: Uuid::new_v4(),
                    event_type: event.event_type().to_owned(),
                    payload: event.encode(),
                    metadata,
                }],
            )
            .await
            .expect("resident registered");
        resident_id
    }

    /// An activity by [`ORGANISER`] that ended an hour before noon.
    pub async fn activity(&self, request_id: &str, points_per_hour: i64) -> Uuid {
        let plan = ScheduleActivity {
            community: Divisions::embedded()
                .community_code_in(COMMUNITY, &district())
                .expect("valid community"),
            title: "clean the riverside path".into(),
            starts_at: noon() - TimeDelta::hours(3),
            ends_at: noon() - TimeDelta::hours(1),
            points_per_hour,
        };
        let (activity_id, _) = self
            .app
            .schedule(
                &context(ORGANISER, request_id),
                district(),
                Organiser::Staff,
                plan,
            )
            .await
            .expect("activity scheduled");
        activity_id
    }

    /// Feeds every stored event to the read models, as the runtime would.
    pub async fn catch_up(&self) {
        let events = self
            .store
            .read_all(0, &AllFilter::everything(), 100_000)
            .await
            .expect("read $all");
        for read_model in &self.read_models {
            for event in &events {
                read_model.apply(event).await.expect("projection applies");
            }
        }
    }

    pub async fn head(&self) -> u64 {
        self.store.head_position().await.expect("store head")
    }
}

impl Fixture {
    /// Every event of `points-<resident>`, decoded; empty without an account.
    pub async fn points_events(
        &self,
        resident_id: Uuid,
    ) -> Vec<crate::domain::participation::volunteering::PointsEvent> {
        use crate::domain::participation::volunteering::PointsEvent;
        let stream = StreamName::new(POINTS_CATEGORY, resident_id).expect("stream name");
        let events = match self
            .store
            .read_stream(
                &stream,
                gongzhi_eventstore::Direction::Forward,
                gongzhi_eventstore::ReadFrom::Start,
                10_000,
            )
            .await
        {
            Ok(events) => events,
            Err(error) if error.kind() == gongzhi_eventstore::StoreErrorKind::StreamNotFound => {
                Vec::new()
            }
            Err(error) => panic!("reading points stream: {error}"),
        };
        events
            .iter()
            .map(|e| PointsEvent::decode(&e.event_type, &e.payload).expect("points event"))
            .collect()
    }

    /// The balance the points decider holds.
    pub async fn balance(&self, resident_id: Uuid) -> i64 {
        use crate::domain::participation::volunteering::{Points, PointsState};
        let stream = StreamName::new(POINTS_CATEGORY, resident_id).expect("stream name");
        match gongzhi_commands::load::<Points>(self.store.as_ref(), &stream)
            .await
            .expect("points state")
        {
            (PointsState::Open(account), _) => account.balance,
            (PointsState::Absent, _) => 0,
        }
    }
}

/// The stable reason code of a refusal, for assertions.
pub fn reason<T: std::fmt::Debug, E: super::RuleError>(
    result: Result<T, super::ParticipationError<E>>,
) -> String {
    use super::ParticipationError;
    match result {
        Err(ParticipationError::Command(gongzhi_commands::CommandError::Domain(rule))) => {
            rule.reason().to_owned()
        }
        Err(ParticipationError::Refused { reason, .. }) => reason.to_owned(),
        Err(ParticipationError::ResidentNotHere(_)) => "RESIDENT_NOT_IN_DISTRICT".to_owned(),
        other => format!("{other:?}"),
    }
}
