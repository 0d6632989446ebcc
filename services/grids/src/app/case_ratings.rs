//! Residents' satisfaction ratings of cases become the cases' evaluations
//! (评价), learnt from the residents context's events only, never by
//! calling it.
//!
//! [`CaseRatingReactor`] is fed like a projection
//! (`Source::new("residents", &["rating"])`): a JetStream durable consumer
//! in production, in-process delivery in `gongzhi dev`, with the same
//! checkpoint, redelivery and dead-letter rules as every read model.
//!
//! Contract:
//! - Only `RatingGiven` of kind `RATING_SUBJECT_KIND_CASE` is acted on;
//!   ratings of services, facilities and property companies are skipped.
//! - A rating is the case's evaluation when the case decider would have
//!   taken `Evaluate` on the case as it stood at the rating's `$all`
//!   position: the case exists in the rating's district, is closed and is
//!   not evaluated yet. Deciding on the case's history below that position,
//!   not on the case as it is when the reactor gets to the event, gives the
//!   same answer on every redelivery and on a rebuild, however late the
//!   consumer runs. The first rating of a closed case wins; a staff
//!   evaluation written before the rating wins over it.
//! - A rating that counts runs `Evaluate` (stars and comment) through
//!   [`CasesApp`] as actor `system` with request id `rating-<event id>`, so
//!   a redelivery or a rebuild replays the evaluation instead of writing it
//!   twice. The case decider decides again on the case as it is now and may
//!   still refuse (evaluated meanwhile by staff).
//! - A refused rating (unknown case, another district, not closed yet,
//!   already evaluated) is recorded with the case decider's reason code and
//!   logged, and the event is acknowledged: it is never redelivered. Only
//!   store and database failures fail the apply (retried, then dead-lettered).
//! - Table `case_ratings` holds one row per rating of a case with its
//!   outcome; the `cases` and `case_metrics` read models show an accepted
//!   rating once they have applied the resulting `CaseEvaluated`.

use super::cases::{CaseAppError, CaseChange, CasesApp, SYSTEM_ACTOR};
use crate::domain::case::{
    CASE_STREAM_CATEGORY, Case, CaseAction, CaseCommand, CaseEvent, CaseState,
};
use chrono::{DateTime, Utc};
use gongzhi_commands::CommandError;
use gongzhi_eventstore::{
    Direction, ReadFrom, RecordedEvent, StoreError, StoreErrorKind, StreamName,
};
use gongzhi_kernel::{Decider, DistrictCode, EventCodec};
use gongzhi_projections::{Backend, Projection, ProjectionError, ProjectionHandle, Source};
use gongzhi_proto::gongzhi::residents::v1::{RatingGiven, RatingSubjectKind};
use gongzhi_server::{Caller, CommandContext};
use prost::Message;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use uuid::Uuid;

pub const CASE_RATINGS: &str = "case_ratings";
const RATING_GIVEN: &str = "gongzhi.residents.v1.RatingGiven";
const READ_PAGE: usize = 500;

/// The outcome column of an accepted rating.
pub const EVALUATED: &str = "evaluated";
/// The outcome column of a refused rating.
pub const REFUSED: &str = "refused";

pub struct CaseRatingReactor {
    cases: CasesApp,
}

/// What became of one rating of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRatingRow {
    pub rating_id: String,
    pub case_id: String,
    pub district: String,
    pub rater: String,
    pub stars: u32,
    pub rated_at: String,
    pub rating_position: u64,
    /// [`EVALUATED`] or [`REFUSED`].
    pub outcome: String,
    /// The case decider's reason code when refused, else empty.
    pub reason: String,
    pub detail: String,
    /// Where the `CaseEvaluated` landed; 0 when refused.
    pub evaluation_position: u64,
}

enum Outcome {
    Evaluated {
        position: u64,
    },
    Refused {
        reason: &'static str,
        detail: String,
    },
}

impl CaseRatingReactor {
    pub fn new(cases: CasesApp) -> Self {
        Self { cases }
    }

    async fn outcome(
        &self,
        event: &RecordedEvent,
        rating: &RatingGiven,
    ) -> Result<Outcome, ProjectionError> {
        let (Ok(case_id), Ok(district)) = (
            Uuid::parse_str(&rating.subject_id),
            DistrictCode::parse(&rating.district),
        ) else {
            return Ok(Outcome::Refused {
                reason: "CASE_NOT_FOUND",
                detail: "the rated subject is not a case id in a district".to_owned(),
            });
        };
        let now = self.cases.clock().now();
        let then = self.case_before(case_id, event.position).await?;
        let evaluate = evaluation(&district, rating, now);
        if let Err(refused) = Case::decide(&then, evaluate) {
            return Ok(Outcome::Refused {
                reason: refused.reason(),
                detail: refused.to_string(),
            });
        }
        let system = Caller {
            subject: SYSTEM_ACTOR.to_owned(),
            roles: Vec::new(),
            districts: Vec::new(),
        };
        let context = CommandContext::new(system, &format!("rating-{}", event.event_id))
            .map_err(|e| ProjectionError::apply(CASE_RATINGS, event.event_id, e))?;
        let change = CaseChange::Evaluate {
            rating: rating.stars,
            comment: rating.comment.clone(),
        };
        match self
            .cases
            .change(&context, &district, case_id, change)
            .await
        {
            Ok(receipt) => Ok(Outcome::Evaluated {
                position: receipt.position,
            }),
            Err(CaseAppError::Command(CommandError::Domain(refused))) => Ok(Outcome::Refused {
                reason: refused.reason(),
                detail: refused.to_string(),
            }),
            Err(CaseAppError::NotFound) => Ok(Outcome::Refused {
                reason: "CASE_NOT_FOUND",
                detail: "case not found".to_owned(),
            }),
            Err(CaseAppError::Store(store) | CaseAppError::Command(CommandError::Store(store))) => {
                Err(store.into())
            }
            Err(CaseAppError::Projection(projection)) => Err(projection),
            Err(other) => Err(ProjectionError::apply(CASE_RATINGS, event.event_id, other)),
        }
    }

    /// The case as it stood just before `position`: its events below it,
    /// folded. A case with no events there is absent.
    async fn case_before(
        &self,
        case_id: Uuid,
        position: u64,
    ) -> Result<CaseState, ProjectionError> {
        let stream = StreamName::new(CASE_STREAM_CATEGORY, case_id).map_err(StoreError::from)?;
        let store = self.cases.store.as_ref();
        let mut state = CaseState::default();
        let mut from = ReadFrom::Start;
        loop {
            let page = match store
                .read_stream(&stream, Direction::Forward, from, READ_PAGE)
                .await
            {
                Ok(page) => page,
                Err(error) if error.kind() == StoreErrorKind::StreamNotFound => return Ok(state),
                Err(error) => return Err(error.into()),
            };
            for recorded in &page {
                if recorded.position >= position {
                    return Ok(state);
                }
                let event = CaseEvent::decode(&recorded.event_type, &recorded.payload)
                    .map_err(|e| ProjectionError::apply(CASE_RATINGS, recorded.event_id, e))?;
                state = Case::evolve(state, &event);
            }
            match page.last() {
                Some(last) if page.len() == READ_PAGE => {
                    from = ReadFrom::Revision(last.revision + 1);
                }
                _ => return Ok(state),
            }
        }
    }
}

/// The `Evaluate` a rating asks of its case.
fn evaluation(district: &DistrictCode, rating: &RatingGiven, at: DateTime<Utc>) -> CaseCommand {
    CaseCommand {
        district: district.clone(),
        action: CaseAction::Evaluate {
            rating: rating.stars,
            comment: rating.comment.clone(),
            evaluated_at: at,
        },
    }
}

fn column(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[async_trait::async_trait]
impl Projection for CaseRatingReactor {
    fn name(&self) -> &'static str {
        CASE_RATINGS
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["rating"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/case_ratings/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/case_ratings/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        if event.event_type != RATING_GIVEN {
            return Ok(());
        }
        let rating = RatingGiven::decode(event.payload.as_slice())
            .map_err(|e| ProjectionError::apply(CASE_RATINGS, event.event_id, e))?;
        if rating.subject_kind != RatingSubjectKind::Case as i32 {
            return Ok(());
        }
        let (outcome, reason, detail, evaluation_position) =
            match self.outcome(event, &rating).await? {
                Outcome::Evaluated { position } => (EVALUATED, "", String::new(), position),
                Outcome::Refused { reason, detail } => {
                    tracing::info!(
                        rating_id = %rating.rating_id,
                        case_id = %rating.subject_id,
                        reason,
                        %detail,
                        "a resident's rating does not count as the case's evaluation"
                    );
                    (REFUSED, reason, detail, 0)
                }
            };
        sqlx::query(
            "INSERT INTO case_ratings (rating_id, case_id, district, rater, stars, rated_at, rating_position, outcome, reason, detail, evaluation_position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (rating_id) DO NOTHING",
        )
        .bind(rating.rating_id)
        .bind(rating.subject_id)
        .bind(rating.district)
        .bind(rating.rater)
        .bind(i64::from(rating.stars))
        .bind(rating.rated_at)
        .bind(column(event.position))
        .bind(outcome)
        .bind(reason)
        .bind(detail)
        .bind(column(evaluation_position))
        .execute(&mut *connection)
        .await?;
        Ok(())
    }
}

type Row = (
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    String,
    String,
    String,
    i64,
);

/// Every rating of `case_id` the reactor has handled, in rating order.
pub async fn case_ratings(
    handle: &ProjectionHandle,
    case_id: &str,
) -> Result<Vec<CaseRatingRow>, ProjectionError> {
    let mut tx = handle.read().await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT rating_id, case_id, district, rater, stars, rated_at, rating_position, outcome, reason, detail, evaluation_position \
         FROM case_ratings WHERE case_id = $1 ORDER BY rating_position",
    )
    .bind(case_id.to_owned())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| CaseRatingRow {
            rating_id: r.0,
            case_id: r.1,
            district: r.2,
            rater: r.3,
            stars: u32::try_from(r.4).unwrap_or(0),
            rated_at: r.5,
            rating_position: u64::try_from(r.6).unwrap_or(0),
            outcome: r.7,
            reason: r.8,
            detail: r.9,
            evaluation_position: u64::try_from(r.10).unwrap_or(0),
        })
        .collect())
}
