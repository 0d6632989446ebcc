//! `proposal_cases`: a resident's complaint about a street problem becomes a
//! grid case, through events only.
//!
//! Contract:
//! - Fed like a projection from the residents context's `proposal` streams
//!   (a JetStream durable consumer in production, in-process delivery in
//!   `gongzhi dev`); it acts only on `ProposalRaised` with
//!   `becomes_grid_case`.
//! - It reports the case through [`CasesApp::report`], actor `system`,
//!   source resident report, normal urgency, origin
//!   `residents/proposal/<id>`, with a request id derived from the event id
//!   ([`request_id_for`]): a redelivered or replayed event (a rebuild, a
//!   crash between the case and the checkpoint) answers the same case and
//!   never opens a second one.
//! - The free-text category is mapped onto the district's catalogue by
//!   [`map_category`]; a complaint that matches nothing goes to the "other"
//!   category.
//! - A deterministic refusal (no category in the catalogue, a grid or
//!   location the case decider refuses, a district code that does not parse)
//!   is logged and recorded with its reason, and the event is acknowledged:
//!   retrying could not change the answer. Only the store or read model
//!   being unavailable fails the apply, which the consumer retries.
//! - Its table links each proposal to the case opened for it (or the reason
//!   none was); [`complaint_case`] reads it.

use super::complaint_category::map_category;
use crate::app::cases::{CaseAppError, CaseAppErrorKind, CasesApp, ReportCase, SYSTEM_ACTOR};
use crate::domain::case::{CaseSource, CaseUrgency};
use gongzhi_commands::CommandError;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{Backend, Projection, ProjectionError, ProjectionHandle, Source};
use gongzhi_proto::gongzhi::residents::v1 as residents;
use gongzhi_server::{Caller, CommandContext};
use prost::Message;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use uuid::Uuid;

pub const COMPLAINT_CASES: &str = "proposal_cases";

const PROPOSAL_RAISED: &str = "gongzhi.residents.v1.ProposalRaised";

/// `CaseReported.origin` of a case opened from a proposal.
pub const PROPOSAL_ORIGIN_PREFIX: &str = "residents/proposal/";

/// As long as a case description may be through the gRPC API.
const MAX_DESCRIPTION_CHARS: usize = 2000;

/// The request id of the case report for the event `event_id`: the same on
/// every delivery of that event.
pub fn request_id_for(event_id: Uuid) -> String {
    format!("proposal-case-{event_id}")
}

pub fn origin_of(proposal_id: &str) -> String {
    format!("{PROPOSAL_ORIGIN_PREFIX}{proposal_id}")
}

/// What became of one complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintCase {
    pub proposal_id: String,
    pub district: String,
    /// Empty when refused.
    pub case_id: String,
    pub category: String,
    /// Stable reason code of a refusal, empty when a case was opened.
    pub refused: String,
}

pub struct ComplaintCasesReactor {
    cases: CasesApp,
}

impl ComplaintCasesReactor {
    pub fn new(cases: CasesApp) -> Self {
        Self { cases }
    }
}

/// A refusal no retry can change, with a stable reason code.
struct Refusal {
    reason: &'static str,
    detail: String,
}

/// The case report for a raised complaint, or why there is none.
fn report_of(cases: &CasesApp, raised: &residents::ProposalRaised) -> Result<ReportCase, Refusal> {
    let district = DistrictCode::parse(&raised.district).map_err(|e| Refusal {
        reason: "BAD_DISTRICT",
        detail: e.to_string(),
    })?;
    let problem = raised.street_problem.clone().unwrap_or_default();
    let catalogue = &cases.config.district(&district).catalogue;
    let category = map_category(catalogue, &problem.category).ok_or_else(|| Refusal {
        reason: "NO_CATEGORY",
        detail: format!(
            "the catalogue of district {district} has no match for {:?} and no other category",
            problem.category
        ),
    })?;
    let location = problem.location.unwrap_or_default();
    let mut description = format!("{}\n{}", raised.title, raised.body);
    if !location.address.trim().is_empty() {
        description.push_str(&format!("\n地址: {}", location.address.trim()));
    }
    Ok(ReportCase {
        district,
        grid: problem.grid,
        category: category.category().clone(),
        source: CaseSource::Resident,
        urgency: CaseUrgency::Normal,
        description: description.chars().take(MAX_DESCRIPTION_CHARS).collect(),
        latitude: location.latitude,
        longitude: location.longitude,
        reported_by: raised.raised_by.clone(),
        origin: origin_of(&raised.proposal_id),
    })
}

/// The store or read model failing: retried by the consumer.
fn unavailable(error: CaseAppError) -> ProjectionError {
    match error {
        CaseAppError::Store(store) | CaseAppError::Command(CommandError::Store(store)) => {
            ProjectionError::Store(store)
        }
        CaseAppError::Projection(projection) => projection,
        other => ProjectionError::apply(COMPLAINT_CASES, "", other),
    }
}

async fn record(
    connection: &mut AnyConnection,
    link: &ComplaintCase,
    event_id: Uuid,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO proposal_cases (proposal_id, district, event_id, case_id, category, refused) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (proposal_id) DO NOTHING",
    )
    .bind(link.proposal_id.clone())
    .bind(link.district.clone())
    .bind(event_id.to_string())
    .bind(link.case_id.clone())
    .bind(link.category.clone())
    .bind(link.refused.clone())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for ComplaintCasesReactor {
    fn name(&self) -> &'static str {
        COMPLAINT_CASES
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["proposal"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/proposal_cases/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/proposal_cases/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        if event.event_type != PROPOSAL_RAISED {
            return Ok(());
        }
        let raised = residents::ProposalRaised::decode(event.payload.as_slice())
            .map_err(|e| ProjectionError::apply(COMPLAINT_CASES, event.event_id, e))?;
        if !raised.becomes_grid_case || raised.street_problem.is_none() {
            return Ok(());
        }
        let mut link = ComplaintCase {
            proposal_id: raised.proposal_id.clone(),
            district: raised.district.clone(),
            case_id: String::new(),
            category: String::new(),
            refused: String::new(),
        };
        let outcome = match report_of(&self.cases, &raised) {
            Ok(report) => {
                link.category = report.category.to_string();
                let system = Caller {
                    subject: SYSTEM_ACTOR.to_owned(),
                    roles: Vec::new(),
                    districts: Vec::new(),
                };
                let context = CommandContext::new(system, &request_id_for(event.event_id))
                    .map_err(|e| ProjectionError::apply(COMPLAINT_CASES, event.event_id, e))?;
                match self.cases.report(&context, report).await {
                    Ok((case_id, _)) => Ok(case_id),
                    Err(error) if error.kind() == CaseAppErrorKind::Unavailable => {
                        return Err(unavailable(error));
                    }
                    Err(error) => Err(Refusal {
                        reason: "CASE_REFUSED",
                        detail: error.to_string(),
                    }),
                }
            }
            Err(refusal) => Err(refusal),
        };
        match outcome {
            Ok(case_id) => {
                link.case_id = case_id.to_string();
                tracing::info!(proposal_id = %link.proposal_id, case_id = %link.case_id, category = %link.category, "complaint became a grid case");
            }
            Err(refusal) => {
                link.refused = refusal.reason.to_owned();
                tracing::warn!(
                    proposal_id = %link.proposal_id,
                    event_id = %event.event_id,
                    reason = refusal.reason,
                    detail = %refusal.detail,
                    "complaint cannot become a grid case; recorded and acknowledged"
                );
            }
        }
        record(connection, &link, event.event_id).await
    }
}

/// What became of the complaint `proposal_id`, once the reactor took it.
pub async fn complaint_case(
    handle: &ProjectionHandle,
    proposal_id: &str,
) -> Result<Option<ComplaintCase>, ProjectionError> {
    let mut tx = handle.read().await?;
    let row: Option<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT proposal_id, district, case_id, category, refused FROM proposal_cases WHERE proposal_id = $1",
    )
    .bind(proposal_id.to_owned())
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(
        |(proposal_id, district, case_id, category, refused)| ComplaintCase {
            proposal_id,
            district,
            case_id,
            category,
            refused,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_id_is_a_function_of_the_event_alone() {
        let event = Uuid::from_u128(7);
        assert_eq!(request_id_for(event), request_id_for(event));
        assert_ne!(request_id_for(event), request_id_for(Uuid::from_u128(8)));
        assert!(gongzhi_server::validate_request_id(&request_id_for(event)).is_ok());
    }

    #[test]
    fn the_origin_names_the_proposal() {
        assert_eq!(origin_of("p-1"), "residents/proposal/p-1");
    }
}
