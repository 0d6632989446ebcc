use super::errors::{command_error, projection_error, text_violation};
use crate::app::{NoticeApp, PublishNotice, WithdrawNotice};
use crate::domain::{NoticeBody, NoticeTitle};
use crate::projections::NoticeRow;
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::platform::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext, FieldViolation};
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct NoticeGrpc {
    app: NoticeApp,
}

impl NoticeGrpc {
    pub fn new(app: NoticeApp) -> Self {
        Self { app }
    }
}

fn parse_district(raw: &str, violations: &mut Vec<FieldViolation>) -> Option<DistrictCode> {
    DistrictCode::parse(raw)
        .map_err(|e| violations.push(FieldViolation::new("district", e.to_string())))
        .ok()
}

fn check(violations: Vec<FieldViolation>) -> Result<(), ApiError> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_argument(violations))
    }
}

fn receipt(receipt: &Receipt) -> pb::CommandReceipt {
    pb::CommandReceipt {
        stream: receipt.stream.to_string(),
        stream_revision: receipt.stream_revision.unwrap_or(0),
        position: receipt.position,
        replayed: receipt.replayed,
    }
}

impl TryFrom<&pb::PublishNoticeRequest> for PublishNotice {
    type Error = ApiError;
    fn try_from(request: &pb::PublishNoticeRequest) -> Result<Self, ApiError> {
        let mut violations = Vec::new();
        let district = parse_district(&request.district, &mut violations);
        let title = NoticeTitle::parse(&request.title)
            .map_err(|e| violations.push(text_violation("title", e)))
            .ok();
        let body = NoticeBody::parse(&request.body)
            .map_err(|e| violations.push(text_violation("body", e)))
            .ok();
        match (district, title, body) {
            (Some(district), Some(title), Some(body)) if violations.is_empty() => Ok(Self {
                district,
                title,
                body,
            }),
            _ => Err(ApiError::invalid_argument(violations)),
        }
    }
}

impl TryFrom<&pb::WithdrawNoticeRequest> for WithdrawNotice {
    type Error = ApiError;
    fn try_from(request: &pb::WithdrawNoticeRequest) -> Result<Self, ApiError> {
        let mut violations = Vec::new();
        let district = parse_district(&request.district, &mut violations);
        let notice_id = Uuid::parse_str(&request.notice_id)
            .map_err(|_| violations.push(FieldViolation::new("notice_id", "must be a UUID")))
            .ok();
        if request.reason.trim().is_empty() {
            violations.push(FieldViolation::new("reason", "must not be blank"));
        }
        match (district, notice_id) {
            (Some(district), Some(notice_id)) if violations.is_empty() => Ok(Self {
                district,
                notice_id,
                reason: request.reason.clone(),
            }),
            _ => Err(ApiError::invalid_argument(violations)),
        }
    }
}

#[tonic::async_trait]
impl pb::notice_service_server::NoticeService for NoticeGrpc {
    async fn publish_notice(
        &self,
        request: Request<pb::PublishNoticeRequest>,
    ) -> Result<Response<pb::PublishNoticeResponse>, Status> {
        let context = CommandContext::from_request(&request, &request.get_ref().request_id)?;
        let command = PublishNotice::try_from(request.get_ref())?;
        context.caller.ensure_district(&command.district)?;
        let (notice_id, written) = self
            .app
            .publish(&context, command)
            .await
            .map_err(command_error)?;
        Ok(Response::new(pb::PublishNoticeResponse {
            notice_id: notice_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn withdraw_notice(
        &self,
        request: Request<pb::WithdrawNoticeRequest>,
    ) -> Result<Response<pb::WithdrawNoticeResponse>, Status> {
        let context = CommandContext::from_request(&request, &request.get_ref().request_id)?;
        let command = WithdrawNotice::try_from(request.get_ref())?;
        context.caller.ensure_district(&command.district)?;
        let written = self
            .app
            .withdraw(&context, command)
            .await
            .map_err(command_error)?;
        Ok(Response::new(pb::WithdrawNoticeResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn list_notices(
        &self,
        request: Request<pb::ListNoticesRequest>,
    ) -> Result<Response<pb::ListNoticesResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let query = request.into_inner();
        let mut violations = Vec::new();
        let district = parse_district(&query.district, &mut violations);
        check(violations)?;
        let Some(district) = district else {
            return Err(ApiError::invalid_argument(vec![FieldViolation::new(
                "district", "required",
            )])
            .into());
        };
        caller.ensure_district(&district)?;
        let (rows, position) = self
            .app
            .list(&district, query.min_position, query.include_withdrawn)
            .await
            .map_err(projection_error)?;
        Ok(Response::new(pb::ListNoticesResponse {
            notices: rows.into_iter().map(notice).collect(),
            position,
        }))
    }
}

fn notice(row: NoticeRow) -> pb::Notice {
    pb::Notice {
        notice_id: row.notice_id,
        district: row.district,
        title: row.title,
        body: row.body,
        published_by: row.published_by,
        published_at: row.published_at,
        withdrawn: row.withdrawn,
        withdrawn_reason: row.withdrawn_reason,
    }
}
