//! The grids reactor's rule, pinned down on PostgreSQL without NATS: ratings
//! (`RatingGiven`, as the residents context stores them) are handed to the
//! reactor one by one, as its consumer would. A rating counts when the case
//! was closed and not yet evaluated at the rating's position; every other
//! rating is recorded as refused and acknowledged; a redelivery and a
//! rebuild give the same outcomes and write no second evaluation.

use super::*;
use chrono::{TimeDelta, TimeZone, Utc};
use gongzhi_commands::load;
use gongzhi_eventstore::{EventData, ExpectedRevision, PostgresEventStore, RecordedEvent};
use gongzhi_grids::app::case_ratings::{
    CaseRatingReactor, CaseRatingRow, EVALUATED, REFUSED, case_ratings,
};
use gongzhi_grids::app::cases::{CaseChange, CasesApp, FakeClock, ReportCase};
use gongzhi_grids::app::config::GridsConfig;
use gongzhi_grids::domain::calendar::CaseCategory;
use gongzhi_grids::domain::case::{Case, CaseSource, CaseState, CaseStatus, CaseUrgency};
use gongzhi_grids::projections::CasesProjection;
use gongzhi_kernel::Clock;
use gongzhi_projections::{ProjectionHandle, ReadModelDb};
use gongzhi_server::CommandContext;
use prost::Message;
use std::sync::Arc;
use uuid::Uuid;

const UNIT: &str = "unit-water-affairs";

struct Reactor {
    _db: crate::support::pg::TestDb,
    store: gongzhi_eventstore::SharedEventStore,
    cases: CasesApp,
    clock: FakeClock,
    handle: ProjectionHandle,
}

impl Reactor {
    async fn start() -> anyhow::Result<Self> {
        let db = crate::support::pg::fresh_database().await?;
        let store = PostgresEventStore::connect(&db.url).await?;
        store.migrate().await?;
        let store: gongzhi_eventstore::SharedEventStore = Arc::new(store);
        let read_models = ReadModelDb::postgres(&db.url).await?;
        let cases_read_model = read_models
            .register(Arc::new(CasesProjection::new()), store.clone())
            .await?;
        // Wednesday 25 November 2026, 10:00 in Chongqing: working time.
        let clock = FakeClock::at(
            Utc.with_ymd_and_hms(2026, 11, 25, 2, 0, 0)
                .single()
                .ok_or_else(|| anyhow::anyhow!("a valid instant"))?,
        );
        let cases = CasesApp::new(
            store.clone(),
            cases_read_model,
            Arc::new(GridsConfig::default()),
            Duration::from_secs(5),
        )
        .with_clock(Arc::new(clock.clone()));
        let handle = read_models
            .register(
                Arc::new(CaseRatingReactor::new(cases.clone())),
                store.clone(),
            )
            .await?;
        Ok(Self {
            _db: db,
            store,
            cases,
            clock,
            handle,
        })
    }

    fn staff(&self, request_id: &str) -> anyhow::Result<CommandContext> {
        let caller = Caller {
            subject: "centre-500108".into(),
            roles: vec!["command_center".into()],
            districts: vec![DistrictCode::parse(DISTRICT)?],
        };
        Ok(CommandContext::new(caller, request_id)?)
    }

    async fn change(&self, name: &str, case_id: Uuid, change: CaseChange) -> anyhow::Result<()> {
        let district = DistrictCode::parse(DISTRICT)?;
        self.cases
            .change(&self.staff(name)?, &district, case_id, change)
            .await?;
        Ok(())
    }

    async fn registered_case(&self, name: &str) -> anyhow::Result<Uuid> {
        let report = ReportCase {
            district: DistrictCode::parse(DISTRICT)?,
            grid: GRID.into(),
            category: CaseCategory::parse("component/01/01")?,
            source: CaseSource::Patrol,
            urgency: CaseUrgency::Normal,
            description: "井盖缺失".into(),
            latitude: 29.52,
            longitude: 106.54,
            reported_by: "worker-li".into(),
            origin: String::new(),
        };
        let (case_id, _) = self
            .cases
            .report(&self.staff(&format!("{name}-report"))?, report)
            .await?;
        self.change(&format!("{name}-register"), case_id, CaseChange::Register)
            .await?;
        Ok(case_id)
    }

    async fn close(&self, name: &str, case_id: Uuid) -> anyhow::Result<()> {
        let unit = UNIT.to_owned();
        self.change(
            &format!("{name}-dispatch"),
            case_id,
            CaseChange::Dispatch {
                unit_id: unit.clone(),
            },
        )
        .await?;
        self.clock.advance(TimeDelta::minutes(30));
        let result = "已补装井盖".to_owned();
        let feedback = CaseChange::Feedback {
            unit_id: unit,
            result,
        };
        self.change(&format!("{name}-feedback"), case_id, feedback)
            .await?;
        let verify = CaseChange::Verify {
            passed: true,
            note: String::new(),
        };
        self.change(&format!("{name}-verify"), case_id, verify)
            .await?;
        self.change(&format!("{name}-close"), case_id, CaseChange::Close)
            .await
    }

    /// Stores a resident's rating of `case_id` as the residents context does
    /// and hands it to the reactor.
    async fn rate(
        &self,
        kind: pb::RatingSubjectKind,
        subject_id: &str,
        district: &str,
        stars: u32,
    ) -> anyhow::Result<RecordedEvent> {
        let rating_id = Uuid::new_v4();
        let rater = Uuid::new_v4().to_string();
        let given = pb::RatingGiven {
            rating_id: rating_id.to_string(),
            district: district.into(),
            community: COMMUNITY.into(),
            subject_kind: kind as i32,
            subject_id: subject_id.into(),
            rater: rater.clone(),
            stars,
            comment: format!("{stars} 星"),
            rated_at: self.clock.now().to_rfc3339(),
        };
        let resident = Caller {
            subject: rater,
            roles: vec!["resident".into()],
            districts: vec![DistrictCode::parse(district)?],
        };
        let context = CommandContext::new(resident, "rate")?;
        let stream = StreamName::new("rating", rating_id)?;
        self.store
            .append(
                &stream,
                ExpectedRevision::NoStream,
                vec![EventData {
                    event_id: context.event_id(0),
                    event_type: "gongzhi.residents.v1.RatingGiven".into(),
                    payload: given.encode_to_vec(),
                    metadata: context.metadata(Some(DistrictCode::parse(district)?)),
                }],
            )
            .await?;
        let recorded = self
            .store
            .read_stream(&stream, Direction::Forward, ReadFrom::Start, 1)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("the rating was stored"))?;
        anyhow::ensure!(self.handle.apply(&recorded).await?, "the reactor takes it");
        Ok(recorded)
    }

    async fn case_rows(&self, case_id: &str) -> anyhow::Result<Vec<CaseRatingRow>> {
        Ok(case_ratings(&self.handle, case_id).await?)
    }

    async fn status(&self, case_id: Uuid) -> anyhow::Result<(CaseStatus, Option<u32>)> {
        let stream = StreamName::new("case", case_id)?;
        match load::<Case>(self.store.as_ref(), &stream).await? {
            (CaseState::Present(facts), _) => Ok((facts.status, facts.rating)),
            (CaseState::Absent, _) => Err(anyhow::anyhow!("no case {case_id}")),
        }
    }

    async fn evaluations(&self) -> anyhow::Result<Vec<RecordedEvent>> {
        let all = self
            .store
            .read_all(0, &gongzhi_eventstore::AllFilter::everything(), 10_000)
            .await?;
        Ok(all
            .into_iter()
            .filter(|e| e.event_type == "gongzhi.grids.v1.CaseEvaluated")
            .collect())
    }
}

fn outcomes(rows: &[CaseRatingRow]) -> Vec<(&str, &str)> {
    rows.iter()
        .map(|r| (r.outcome.as_str(), r.reason.as_str()))
        .collect()
}

#[tokio::test]
async fn a_rating_counts_only_if_the_case_was_closed_and_unrated_when_given() -> anyhow::Result<()>
{
    let grids = Reactor::start().await?;
    let case = pb::RatingSubjectKind::Case;
    let late = grids.registered_case("late").await?;
    let closed = grids.registered_case("closed").await?;
    grids.close("closed", closed).await?;
    let elsewhere = grids.registered_case("elsewhere").await?;
    grids.close("elsewhere", elsewhere).await?;

    let too_early = grids.rate(case, &late.to_string(), DISTRICT, 1).await?;
    let counted = grids.rate(case, &closed.to_string(), DISTRICT, 4).await?;
    grids.rate(case, &closed.to_string(), DISTRICT, 2).await?;
    let unknown = Uuid::new_v4().to_string();
    grids.rate(case, &unknown, DISTRICT, 3).await?;
    grids
        .rate(case, &elsewhere.to_string(), OTHER_DISTRICT, 3)
        .await?;
    let facility = Uuid::new_v4().to_string();
    grids
        .rate(pb::RatingSubjectKind::Facility, &facility, DISTRICT, 5)
        .await?;

    // The first rating of the closed case is its evaluation, written by the
    // system under a request id naming the rating event.
    assert_eq!(
        grids.status(closed).await?,
        (CaseStatus::Evaluated, Some(4))
    );
    let evaluations = grids.evaluations().await?;
    assert_eq!(evaluations.len(), 1);
    assert_eq!(evaluations[0].metadata.actor, "system");
    assert_eq!(
        evaluations[0].metadata.request_id,
        Some(format!("rating-{}", counted.event_id))
    );
    let closed_rows = grids.case_rows(&closed.to_string()).await?;
    assert_eq!(
        outcomes(&closed_rows),
        vec![(EVALUATED, ""), (REFUSED, "CASE_TRANSITION_NOT_ALLOWED")]
    );
    assert_eq!(closed_rows[0].evaluation_position, evaluations[0].position);
    assert_eq!(
        outcomes(&grids.case_rows(&late.to_string()).await?),
        vec![(REFUSED, "CASE_TRANSITION_NOT_ALLOWED")]
    );
    assert_eq!(
        outcomes(&grids.case_rows(&unknown).await?),
        vec![(REFUSED, "CASE_NOT_FOUND")]
    );
    assert_eq!(
        outcomes(&grids.case_rows(&elsewhere.to_string()).await?),
        vec![(REFUSED, "CASE_WRONG_DISTRICT")]
    );
    assert_eq!(grids.status(elsewhere).await?, (CaseStatus::Closed, None));
    assert!(grids.case_rows(&facility).await?.is_empty());

    // The early rating stays refused once the case closes; a rating given
    // after the close counts.
    grids.close("late", late).await?;
    assert!(!grids.handle.apply(&too_early).await?, "redelivered");
    grids.rate(case, &late.to_string(), DISTRICT, 5).await?;
    assert_eq!(grids.status(late).await?, (CaseStatus::Evaluated, Some(5)));
    let late_rows = grids.case_rows(&late.to_string()).await?;
    assert_eq!(
        outcomes(&late_rows),
        vec![(REFUSED, "CASE_TRANSITION_NOT_ALLOWED"), (EVALUATED, "")]
    );

    // A rebuild replays every rating: the same outcomes, no new evaluation.
    let before = (
        grids.case_rows(&closed.to_string()).await?,
        late_rows,
        grids.evaluations().await?,
    );
    grids.handle.rebuild(|_| {}).await?;
    let after = (
        grids.case_rows(&closed.to_string()).await?,
        grids.case_rows(&late.to_string()).await?,
        grids.evaluations().await?,
    );
    assert_eq!(after.0, before.0);
    assert_eq!(after.1, before.1);
    assert_eq!(
        after.2.iter().map(|e| e.event_id).collect::<Vec<_>>(),
        before.2.iter().map(|e| e.event_id).collect::<Vec<_>>()
    );
    assert_eq!(after.2.len(), 2);
    Ok(())
}
