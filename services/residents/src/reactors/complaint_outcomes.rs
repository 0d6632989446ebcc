//! `complaint_outcomes`: the grid case opened for a complaint drives the
//! complaint, through grids' case events only.
//!
//! Contract:
//! - Fed like a projection from the grids context's `case` streams. A
//!   `CaseReported` whose origin is `residents/proposal/<id>` links the case
//!   to the complaint; every other case event of an unlinked case is
//!   ignored.
//! - When the case is first dispatched, the complaint gets the dispatched
//!   unit as its owner (kind unit) and the case's handle deadline as its
//!   deadline, unless staff assigned it already: the responsible department
//!   owns the answer, and the overdue watcher chases it on the case's clock.
//! - When the case closes, the complaint is answered in public with the
//!   feedback the case closed on: as the owner when the owner is the unit
//!   assigned from the case, else in the owner's place (`by_admin`).
//! - Commands go through [`ProposalsApp`], actor `system`, with request ids
//!   derived from the grids event id ([`request_id_for`]), so a redelivery
//!   or a rebuild replays and never writes twice.
//! - A domain refusal (already assigned or answered, closed, not assigned)
//!   is logged, recorded with its reason code and acknowledged; only the
//!   store or read model being unavailable fails the apply for a retry.

use crate::app::ParticipationError;
use crate::app::proposals::{Answerer, ProposalAppError, ProposalsApp, SYSTEM_ACTOR};
use crate::domain::participation::proposals::{Owner, ProposalOwnerKind};
use crate::projections::PROPOSAL_ORIGIN_PREFIX;
use chrono::{DateTime, Utc};
use gongzhi_commands::CommandError;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_server::{Caller, CommandContext};
use prost::Message;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use uuid::Uuid;

pub const COMPLAINT_OUTCOMES: &str = "complaint_outcomes";

const REPORTED: &str = "gongzhi.grids.v1.CaseReported";
const REGISTERED: &str = "gongzhi.grids.v1.CaseRegistered";
const RESUMED: &str = "gongzhi.grids.v1.CaseResumed";
const DISPATCHED: &str = "gongzhi.grids.v1.CaseDispatched";
const FEEDBACK_GIVEN: &str = "gongzhi.grids.v1.CaseFeedbackGiven";
const CLOSED: &str = "gongzhi.grids.v1.CaseClosed";

/// The request id of the command the grids event `event_id` causes.
pub fn request_id_for(action: &str, event_id: Uuid) -> String {
    format!("complaint-{action}-{event_id}")
}

/// As long as an answer may be (the decider's limit).
const MAX_ANSWER_CHARS: usize = 2000;

/// The public answer from the feedback the case closed on, cut to the
/// longest answer the decider takes.
pub fn answer_text(case_id: &str, result: &str) -> String {
    let text = if result.trim().is_empty() {
        format!("网格案件 {case_id} 已办结。")
    } else {
        format!("网格案件 {case_id} 已办结。处置结果：{}", result.trim())
    };
    text.chars().take(MAX_ANSWER_CHARS).collect()
}

pub struct ComplaintOutcomesReactor {
    proposals: ProposalsApp,
}

impl ComplaintOutcomesReactor {
    pub fn new(proposals: ProposalsApp) -> Self {
        Self { proposals }
    }
}

/// A linked case as the table holds it.
struct Link {
    proposal_id: String,
    district: String,
    handle_deadline: String,
    last_result: String,
    assigned_unit: String,
}

fn decode<M: Message + Default>(event: &RecordedEvent) -> Result<M, ProjectionError> {
    M::decode(event.payload.as_slice())
        .map_err(|e| ProjectionError::apply(COMPLAINT_OUTCOMES, event.event_id, e))
}

fn parse(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

fn system(request_id: &str) -> Result<CommandContext, ProjectionError> {
    let caller = Caller {
        subject: SYSTEM_ACTOR.to_owned(),
        roles: Vec::new(),
        districts: Vec::new(),
    };
    CommandContext::new(caller, request_id)
        .map_err(|e| ProjectionError::apply(COMPLAINT_OUTCOMES, request_id, e))
}

/// `Ok(Some(reason))` for a refusal to record and acknowledge, `Err` for a
/// failure to retry.
fn refusal(error: ProposalAppError) -> Result<Option<String>, ProjectionError> {
    match error {
        ParticipationError::Command(CommandError::Domain(rule)) => {
            Ok(Some(rule.reason().to_owned()))
        }
        ParticipationError::Command(CommandError::Store(store))
        | ParticipationError::Store(store) => Err(ProjectionError::Store(store)),
        ParticipationError::Projection(projection) => Err(projection),
        ParticipationError::Command(CommandError::Decode(decode)) => {
            Err(ProjectionError::apply(COMPLAINT_OUTCOMES, "", decode))
        }
        ParticipationError::ResidentNotHere(_) => Ok(Some("RESIDENT_NOT_IN_DISTRICT".into())),
        ParticipationError::NotFound(_) => Ok(Some("PROPOSAL_NOT_FOUND".into())),
        ParticipationError::Refused { reason, .. } => Ok(Some(reason.to_owned())),
        // The key store being unreachable passes; retry.
        ParticipationError::Privacy(privacy) => {
            Err(ProjectionError::apply(COMPLAINT_OUTCOMES, "", privacy))
        }
    }
}

async fn link_of(
    connection: &mut AnyConnection,
    case_id: &str,
) -> Result<Option<Link>, ProjectionError> {
    let row: Option<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT proposal_id, district, handle_deadline, last_result, assigned_unit \
         FROM complaint_outcomes WHERE case_id = $1",
    )
    .bind(case_id.to_owned())
    .fetch_optional(&mut *connection)
    .await?;
    Ok(row.map(
        |(proposal_id, district, handle_deadline, last_result, assigned_unit)| Link {
            proposal_id,
            district,
            handle_deadline,
            last_result,
            assigned_unit,
        },
    ))
}

async fn set(
    connection: &mut AnyConnection,
    case_id: &str,
    column: &'static str,
    value: String,
) -> Result<(), ProjectionError> {
    // `column` is one of this module's constants, never caller text.
    sqlx::query(&format!(
        "UPDATE complaint_outcomes SET {column} = $1 WHERE case_id = $2"
    ))
    .bind(value)
    .bind(case_id.to_owned())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

impl ComplaintOutcomesReactor {
    /// Assigns the complaint to the dispatched unit: `Ok(Err(reason))` for a
    /// refusal to record, `Err` for a failure to retry.
    async fn assign(
        &self,
        event: &RecordedEvent,
        link: &Link,
        unit_id: &str,
    ) -> Result<Result<(), String>, ProjectionError> {
        let (Ok(district), Ok(proposal_id), Some(deadline)) = (
            DistrictCode::parse(&link.district),
            Uuid::parse_str(&link.proposal_id),
            parse(&link.handle_deadline),
        ) else {
            return Ok(Err("NO_DEADLINE_OR_BAD_LINK".to_owned()));
        };
        let owner = Owner {
            kind: ProposalOwnerKind::Unit,
            id: unit_id.to_owned(),
        };
        let context = system(&request_id_for("assign", event.event_id))?;
        match self
            .proposals
            .assign(&context, &district, proposal_id, owner, deadline)
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(error) => refusal(error).map(|reason| Err(reason.unwrap_or_default())),
        }
    }

    async fn answer(
        &self,
        event: &RecordedEvent,
        case_id: &str,
        link: &Link,
    ) -> Result<Result<(), String>, ProjectionError> {
        let (Ok(district), Ok(proposal_id)) = (
            DistrictCode::parse(&link.district),
            Uuid::parse_str(&link.proposal_id),
        ) else {
            return Ok(Err("BAD_LINK".to_owned()));
        };
        let subject = if link.assigned_unit.is_empty() {
            SYSTEM_ACTOR.to_owned()
        } else {
            link.assigned_unit.clone()
        };
        let answerer = Answerer {
            subject,
            administrator: true,
        };
        let context = system(&request_id_for("answer", event.event_id))?;
        match self
            .proposals
            .answer(
                &context,
                &district,
                proposal_id,
                answerer,
                answer_text(case_id, &link.last_result),
            )
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(error) => refusal(error).map(|reason| Err(reason.unwrap_or_default())),
        }
    }

    async fn record_refusal(
        &self,
        connection: &mut AnyConnection,
        case_id: &str,
        link: &Link,
        step: &str,
        reason: String,
    ) -> Result<(), ProjectionError> {
        tracing::warn!(
            case_id,
            proposal_id = %link.proposal_id,
            step,
            reason = %reason,
            "the complaint does not follow its grid case; recorded and acknowledged"
        );
        set(connection, case_id, "refused", format!("{step}: {reason}")).await
    }
}

#[async_trait::async_trait]
impl Projection for ComplaintOutcomesReactor {
    fn name(&self) -> &'static str {
        COMPLAINT_OUTCOMES
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("grids", &["case"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/complaint_outcomes/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/complaint_outcomes/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match event.event_type.as_str() {
            REPORTED => {
                let e: grids::CaseReported = decode(event)?;
                let Some(proposal_id) = e.origin.strip_prefix(PROPOSAL_ORIGIN_PREFIX) else {
                    return Ok(());
                };
                sqlx::query(
                    "INSERT INTO complaint_outcomes (case_id, proposal_id, district) VALUES ($1, $2, $3) \
                     ON CONFLICT (case_id) DO NOTHING",
                )
                .bind(e.case_id)
                .bind(proposal_id.to_owned())
                .bind(e.district)
                .execute(&mut *connection)
                .await?;
            }
            REGISTERED => {
                let e: grids::CaseRegistered = decode(event)?;
                set(connection, &e.case_id, "handle_deadline", e.handle_deadline).await?;
            }
            RESUMED => {
                let e: grids::CaseResumed = decode(event)?;
                if e.retimed {
                    set(connection, &e.case_id, "handle_deadline", e.handle_deadline).await?;
                }
            }
            FEEDBACK_GIVEN => {
                let e: grids::CaseFeedbackGiven = decode(event)?;
                set(connection, &e.case_id, "last_result", e.result).await?;
            }
            DISPATCHED => {
                let e: grids::CaseDispatched = decode(event)?;
                let Some(link) = link_of(connection, &e.case_id).await? else {
                    return Ok(());
                };
                if !link.assigned_unit.is_empty() {
                    return Ok(());
                }
                match self.assign(event, &link, &e.unit_id).await? {
                    Ok(()) => set(connection, &e.case_id, "assigned_unit", e.unit_id).await?,
                    Err(reason) => {
                        self.record_refusal(connection, &e.case_id, &link, "assign", reason)
                            .await?;
                    }
                }
            }
            CLOSED => {
                let e: grids::CaseClosed = decode(event)?;
                let Some(link) = link_of(connection, &e.case_id).await? else {
                    return Ok(());
                };
                match self.answer(event, &e.case_id, &link).await? {
                    Ok(()) => {
                        sqlx::query(
                            "UPDATE complaint_outcomes SET answered = 1 WHERE case_id = $1",
                        )
                        .bind(e.case_id)
                        .execute(&mut *connection)
                        .await?;
                    }
                    Err(reason) => {
                        self.record_refusal(connection, &e.case_id, &link, "answer", reason)
                            .await?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_follow_the_grids_event_and_the_action() {
        let event = Uuid::from_u128(5);
        assert_eq!(
            request_id_for("assign", event),
            request_id_for("assign", event)
        );
        assert_ne!(
            request_id_for("assign", event),
            request_id_for("answer", event)
        );
        assert!(gongzhi_server::validate_request_id(&request_id_for("answer", event)).is_ok());
    }

    #[test]
    fn the_answer_quotes_the_feedback_it_closed_on() {
        assert_eq!(
            answer_text("c-1", " 已更换灯泡 "),
            "网格案件 c-1 已办结。处置结果：已更换灯泡"
        );
        assert_eq!(answer_text("c-1", ""), "网格案件 c-1 已办结。");
        assert_eq!(answer_text("c-1", &"长".repeat(3000)).chars().count(), 2000);
    }
}
