//! `VentureService`: validation (all violations at once), roles, mapping to
//! and from the application.

use super::access::{ensure_buyer, ensure_read};
use super::errors::app_error;
use super::receipt::receipt;
use crate::app::ProcurementApp;
use crate::app::venture_queries::RoundView;
use crate::app::ventures::{Application, OpenRound, ProjectStep};
use crate::domain::venture::VentureError;
use chrono::{DateTime, Utc};
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};

const TITLE_MAX_CHARS: usize = 200;
const TEXT_MAX_CHARS: usize = 2000;
const TRANCHES_MAX: usize = 12;

pub struct VentureGrpc {
    app: ProcurementApp,
}

fn incomplete() -> Status {
    ApiError::invalid_argument(Vec::new()).into()
}

fn score(v: &mut Violations, raw: u32) -> Option<u32> {
    if raw > 100 {
        v.add("score", format!("must be from 0 to 100, got {raw}"));
        return None;
    }
    Some(raw)
}

impl VentureGrpc {
    pub fn new(app: ProcurementApp) -> Self {
        Self { app }
    }

    async fn step<T>(
        &self,
        request: Request<T>,
        head: impl Fn(&T) -> [&str; 4],
        fields: impl FnOnce(&mut Violations, &T) -> Option<ProjectStep>,
    ) -> Result<Option<pb::CommandReceipt>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let [request_id, district, round_id, project_id] = head(&r);
        let mut v = Violations::default();
        v.request_id(request_id);
        let district = v.district(district);
        let round_id = v.uuid("round_id", round_id);
        let project_id = v.uuid("project_id", project_id);
        let step = fields(&mut v, &r);
        v.finish()?;
        let (Some(district), Some(round_id), Some(project_id), Some(step)) =
            (district, round_id, project_id, step)
        else {
            return Err(incomplete());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, request_id)?;
        let written = self
            .app
            .project_step(&context, &district, round_id, project_id, step)
            .await
            .map_err(|e| app_error(e, "round"))?;
        Ok(receipt(&written))
    }
}

fn round(view: RoundView) -> pb::Round {
    pb::Round {
        round_id: view.round_id,
        district: view.district,
        title: view.title,
        total_budget_fen: view.total_budget_fen,
        cap_per_project_fen: view.cap_per_project_fen,
        call_deadline: view.call_deadline,
        funded_fen: view.funded_fen,
        projects: view
            .projects
            .into_iter()
            .map(|p| pb::VentureProjectView {
                project_id: p.project_id,
                provider_id: p.provider_id,
                title: p.title,
                requested_fen: p.requested_fen,
                status: p.status,
                pitch_score: p.pitch_score,
                funded_fen: p.funded_fen,
                released_fen: p.released_fen,
                mid_term_passed: p.mid_term_passed,
                grade: p.grade,
                final_score: p.final_score,
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl pb::venture_service_server::VentureService for VentureGrpc {
    async fn open_round(
        &self,
        request: Request<pb::OpenRoundRequest>,
    ) -> Result<Response<pb::OpenRoundResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let title = v.text("title", &r.title, TITLE_MAX_CHARS);
        let deadline = v.check(
            "call_deadline",
            DateTime::parse_from_rfc3339(&r.call_deadline)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| "must be an RFC 3339 time"),
        );
        if r.total_budget_fen == 0 {
            v.add("total_budget_fen", "must be above zero");
        }
        v.finish()?;
        let (Some(district), Some(title), Some(call_deadline)) = (district, title, deadline) else {
            return Err(incomplete());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let open = OpenRound {
            title,
            total_budget_fen: r.total_budget_fen,
            cap_per_project_fen: r.cap_per_project_fen,
            call_deadline,
        };
        let (round_id, written) = self
            .app
            .open_round(&context, &district, open)
            .await
            .map_err(|e| app_error(e, "round"))?;
        Ok(Response::new(pb::OpenRoundResponse {
            round_id: round_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn apply_to_round(
        &self,
        request: Request<pb::ApplyToRoundRequest>,
    ) -> Result<Response<pb::ApplyToRoundResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let round_id = v.uuid("round_id", &r.round_id);
        let provider_id = v.uuid("provider_id", &r.provider_id);
        let title = v.text("title", &r.title, TITLE_MAX_CHARS);
        if r.requested_fen == 0 {
            v.add("requested_fen", "must be above zero");
        }
        v.finish()?;
        let (Some(district), Some(round_id), Some(provider_id), Some(title)) =
            (district, round_id, provider_id, title)
        else {
            return Err(incomplete());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let application = Application {
            provider_id,
            title,
            requested_fen: r.requested_fen,
        };
        let (project_id, written) = self
            .app
            .apply_to_round(&context, &district, round_id, application)
            .await
            .map_err(|e| app_error(e, "round"))?;
        Ok(Response::new(pb::ApplyToRoundResponse {
            project_id: project_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn screen_project(
        &self,
        request: Request<pb::ScreenProjectRequest>,
    ) -> Result<Response<pb::ScreenProjectResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| [&r.request_id, &r.district, &r.round_id, &r.project_id],
                |v, r| {
                    v.optional_text("reason", &r.reason, TEXT_MAX_CHARS)
                        .map(|reason| ProjectStep::Screen {
                            passed: r.passed,
                            reason,
                        })
                },
            )
            .await?;
        Ok(Response::new(pb::ScreenProjectResponse { receipt }))
    }

    async fn review_pitch(
        &self,
        request: Request<pb::ReviewPitchRequest>,
    ) -> Result<Response<pb::ReviewPitchResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| [&r.request_id, &r.district, &r.round_id, &r.project_id],
                |v, r| score(v, r.score).map(|score| ProjectStep::ReviewPitch { score }),
            )
            .await?;
        Ok(Response::new(pb::ReviewPitchResponse { receipt }))
    }

    async fn fund_project(
        &self,
        request: Request<pb::FundProjectRequest>,
    ) -> Result<Response<pb::FundProjectResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| [&r.request_id, &r.district, &r.round_id, &r.project_id],
                |v, r| {
                    if r.tranches_fen.len() > TRANCHES_MAX {
                        v.add("tranches_fen", format!("at most {TRANCHES_MAX}"));
                        return None;
                    }
                    Some(ProjectStep::Fund {
                        tranches_fen: r.tranches_fen.clone(),
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::FundProjectResponse { receipt }))
    }

    async fn release_tranche(
        &self,
        request: Request<pb::ReleaseTrancheRequest>,
    ) -> Result<Response<pb::ReleaseTrancheResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| [&r.request_id, &r.district, &r.round_id, &r.project_id],
                |_, _| Some(ProjectStep::ReleaseTranche),
            )
            .await?;
        Ok(Response::new(pb::ReleaseTrancheResponse { receipt }))
    }

    async fn review_mid_term(
        &self,
        request: Request<pb::ReviewMidTermRequest>,
    ) -> Result<Response<pb::ReviewMidTermResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| [&r.request_id, &r.district, &r.round_id, &r.project_id],
                |v, r| score(v, r.score).map(|score| ProjectStep::ReviewMidTerm { score }),
            )
            .await?;
        Ok(Response::new(pb::ReviewMidTermResponse { receipt }))
    }

    async fn grade_project(
        &self,
        request: Request<pb::GradeProjectRequest>,
    ) -> Result<Response<pb::GradeProjectResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| [&r.request_id, &r.district, &r.round_id, &r.project_id],
                |v, r| score(v, r.score).map(|score| ProjectStep::Grade { score }),
            )
            .await?;
        Ok(Response::new(pb::GradeProjectResponse { receipt }))
    }

    async fn get_round(
        &self,
        request: Request<pb::GetRoundRequest>,
    ) -> Result<Response<pb::GetRoundResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let round_id = v.uuid("round_id", &r.round_id);
        v.finish()?;
        let (Some(district), Some(round_id)) = (district, round_id) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let view = self
            .app
            .round::<VentureError>(&district, &round_id.to_string(), r.min_position)
            .await
            .map_err(|e| app_error(e, "round"))?;
        Ok(Response::new(pb::GetRoundResponse {
            round: Some(round(view)),
        }))
    }
}
