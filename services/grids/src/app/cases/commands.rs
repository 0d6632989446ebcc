//! Case commands: from an application request to a decider command with
//! times and deadlines filled in, run with deterministic event ids.

use super::deadlines::Timing;
use super::{CaseAppError, CasesApp};
use crate::domain::calendar::{CaseCategory, Stage};
use crate::domain::case::{
    CASE_STREAM_CATEGORY, Case, CaseAction, CaseCommand, CaseReport, CaseSource, CaseStage,
    CaseState, CaseUrgency,
};
use gongzhi_commands::{CommandError, Receipt, execute, load};
use gongzhi_eventstore::{StoreError, StreamName};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// Actor of the commands the system sends itself (overdue and late flags).
pub const SYSTEM_ACTOR: &str = "system";

/// A new report, validated by the caller except for the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCase {
    pub district: DistrictCode,
    pub grid: String,
    pub category: CaseCategory,
    pub source: CaseSource,
    pub urgency: CaseUrgency,
    pub description: String,
    pub latitude: f64,
    pub longitude: f64,
    pub reported_by: String,
    /// What raised it in another context (`residents/proposal/<uuid>`);
    /// empty for reports made here.
    pub origin: String,
}

/// A change to an existing case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseChange {
    Register,
    Reject {
        reason: String,
    },
    Dispatch {
        unit_id: String,
    },
    Return {
        unit_id: String,
        reason: String,
    },
    Feedback {
        unit_id: String,
        result: String,
    },
    /// The verifier is the caller.
    Verify {
        passed: bool,
        note: String,
    },
    Close,
    Evaluate {
        rating: u32,
        comment: String,
    },
    Defer {
        reason: String,
    },
    /// Re-times the case from now.
    Resume,
    Summon {
        unit_ids: Vec<String>,
        summoned_by: String,
    },
    Acknowledge {
        unit_id: String,
    },
    Arrive {
        unit_id: String,
    },
    FlagOverdue {
        stage: CaseStage,
    },
    FlagLateSummons {
        unit_id: String,
    },
}

fn stream_of(case_id: Uuid) -> Result<StreamName, CaseAppError> {
    Ok(StreamName::new(CASE_STREAM_CATEGORY, case_id).map_err(StoreError::from)?)
}

/// The summons id a `SummonUnits` request gets: the same on every retry.
pub fn summon_id_of(context: &CommandContext) -> Uuid {
    Uuid::new_v5(&context.event_id(0), b"summons")
}

impl CasesApp {
    /// Opens a case; its id is derived from the request, so a retry answers
    /// the same case.
    pub async fn report(
        &self,
        context: &CommandContext,
        report: ReportCase,
    ) -> Result<(Uuid, Receipt), CaseAppError> {
        let config = self.config.district(&report.district);
        if !config.catalogue.contains(&report.category) {
            return Err(CaseAppError::UnknownCategory(report.category.to_string()));
        }
        let now = self.clock.now();
        let category = report.category.to_string();
        let timing = Timing::new(config, &category, report.urgency)?;
        let case_id = Uuid::new_v5(&context.event_id(0), b"case");
        let command = CaseCommand {
            district: report.district.clone(),
            action: CaseAction::Report(CaseReport {
                case_id: case_id.to_string(),
                grid: report.grid,
                category,
                source: report.source,
                urgency: report.urgency,
                description: report.description,
                latitude: report.latitude,
                longitude: report.longitude,
                reported_by: report.reported_by,
                reported_at: now,
                register_deadline: timing.deadline(Stage::Register, now)?,
                origin: report.origin,
            }),
        };
        let receipt = self.run(context, case_id, command, 0).await?;
        Ok((case_id, receipt))
    }

    pub async fn change(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        case_id: Uuid,
        change: CaseChange,
    ) -> Result<Receipt, CaseAppError> {
        let action = self.action(context, district, case_id, change).await?;
        let command = CaseCommand {
            district: district.clone(),
            action,
        };
        self.run(context, case_id, command, 0).await
    }

    /// Merges `duplicate` into `into`: first the duplicate ends merged, then
    /// the surviving case records it. The surviving case is checked before
    /// anything is written, so a refused merge writes nothing.
    pub async fn merge(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        duplicate: Uuid,
        into: Uuid,
    ) -> Result<Receipt, CaseAppError> {
        let now = self.clock.now();
        let absorb = CaseCommand {
            district: district.clone(),
            action: CaseAction::AbsorbDuplicate {
                duplicate_case_id: duplicate.to_string(),
                merged_at: now,
            },
        };
        let first_write_done = self.store.find_event(context.event_id(0)).await?.is_some();
        if !first_write_done && duplicate != into {
            let (target, _) = load::<Case>(self.store.as_ref(), &stream_of(into)?).await?;
            Case::decide(&target, absorb.clone())
                .map_err(|e| CaseAppError::Command(CommandError::Domain(e)))?;
        }
        let merge = CaseCommand {
            district: district.clone(),
            action: CaseAction::MergeDuplicate {
                into_case_id: into.to_string(),
                merged_at: now,
            },
        };
        self.run(context, duplicate, merge, 0).await?;
        self.run(context, into, absorb, 1).await
    }

    async fn action(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        case_id: Uuid,
        change: CaseChange,
    ) -> Result<CaseAction, CaseAppError> {
        let now = self.clock.now();
        let config = self.config.district(district);
        Ok(match change {
            CaseChange::Register => {
                let facts = self.facts(district, case_id).await?;
                CaseAction::Register {
                    registered_at: now,
                    deadlines: Timing::of(&facts, config)?.registration(now)?,
                }
            }
            CaseChange::Reject { reason } => CaseAction::Reject {
                reason,
                rejected_at: now,
            },
            CaseChange::Dispatch { unit_id } => {
                self.ensure_dispatchable(context, district, &unit_id, now)
                    .await?;
                CaseAction::Dispatch {
                    unit_id,
                    dispatched_at: now,
                }
            }
            CaseChange::Return { unit_id, reason } => CaseAction::ReturnByUnit {
                unit_id,
                reason,
                returned_at: now,
            },
            CaseChange::Feedback { unit_id, result } => {
                let facts = self.facts(district, case_id).await?;
                CaseAction::Feedback {
                    unit_id,
                    result,
                    feedback_at: now,
                    verify_deadline: Timing::of(&facts, config)?.deadline(Stage::Verify, now)?,
                }
            }
            CaseChange::Verify { passed, note } => CaseAction::Verify {
                passed,
                verifier: context.caller.subject.clone(),
                note,
                verified_at: now,
            },
            CaseChange::Close => CaseAction::Close { closed_at: now },
            CaseChange::Evaluate { rating, comment } => CaseAction::Evaluate {
                rating,
                comment,
                evaluated_at: now,
            },
            CaseChange::Defer { reason } => CaseAction::Defer {
                reason,
                deferred_at: now,
            },
            CaseChange::Resume => {
                let facts = self.facts(district, case_id).await?;
                CaseAction::Resume {
                    resumed_at: now,
                    deadlines: Some(Timing::of(&facts, config)?.registration(now)?),
                }
            }
            CaseChange::Summon {
                unit_ids,
                summoned_by,
            } => CaseAction::Summon {
                summon_id: summon_id_of(context).to_string(),
                unit_ids,
                summoned_by,
                summoned_at: now,
                respond_within: config.summons_respond_within,
            },
            CaseChange::Acknowledge { unit_id } => CaseAction::Acknowledge { unit_id, at: now },
            CaseChange::Arrive { unit_id } => CaseAction::ArriveOnSite { unit_id, at: now },
            CaseChange::FlagOverdue { stage } => CaseAction::FlagOverdue { stage, now },
            CaseChange::FlagLateSummons { unit_id } => CaseAction::FlagLateSummons { unit_id, now },
        })
    }

    /// The case's facts, for its category and urgency; another district's
    /// case is not found.
    async fn facts(
        &self,
        district: &DistrictCode,
        case_id: Uuid,
    ) -> Result<Box<crate::domain::case::CaseFacts>, CaseAppError> {
        let (state, _) = load::<Case>(self.store.as_ref(), &stream_of(case_id)?).await?;
        match state {
            CaseState::Present(facts) if facts.district == district.as_str() => Ok(facts),
            _ => Err(CaseAppError::NotFound),
        }
    }

    /// Runs one command; its event ids start at `first_event` of the request.
    async fn run(
        &self,
        context: &CommandContext,
        case_id: Uuid,
        command: CaseCommand,
        first_event: u32,
    ) -> Result<Receipt, CaseAppError> {
        let stream = stream_of(case_id)?;
        let metadata = context.metadata(Some(command.district.clone()));
        let receipt = execute::<Case>(
            self.store.as_ref(),
            &stream,
            command,
            |n| context.event_id(first_event.saturating_add(u32::try_from(n).unwrap_or(u32::MAX))),
            &metadata,
        )
        .await?;
        Ok(receipt)
    }
}
