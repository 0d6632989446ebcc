//! Operator view: raw streams and projection lag. Needs the `operator` or
//! the city-wide role, since it reads across districts.

use super::errors::projection_error;
use super::payload_json::payload_json;
use gongzhi_eventstore::{Direction, ReadFrom, SharedEventStore, StreamName};
use gongzhi_projections::ProjectionHandle;
use gongzhi_proto::gongzhi::platform::v1 as pb;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller, FieldViolation};
use tonic::{Request, Response, Status};

pub const OPERATOR_ROLE: &str = "operator";
const MAX_READ: u32 = 1_000;

pub struct AdminGrpc {
    store: SharedEventStore,
    projections: Vec<ProjectionHandle>,
}

impl AdminGrpc {
    pub fn new(store: SharedEventStore, projections: Vec<ProjectionHandle>) -> Self {
        Self { store, projections }
    }
}

fn ensure_operator(caller: &Caller) -> Result<(), ApiError> {
    if caller.has_role(OPERATOR_ROLE) || caller.has_role(CITY_ADMIN_ROLE) {
        Ok(())
    } else {
        Err(ApiError::permission_denied(
            "the admin api needs the operator or city_admin role",
        ))
    }
}

#[tonic::async_trait]
impl pb::admin_service_server::AdminService for AdminGrpc {
    async fn read_stream(
        &self,
        request: Request<pb::ReadStreamRequest>,
    ) -> Result<Response<pb::ReadStreamResponse>, Status> {
        ensure_operator(&Caller::from_request(&request)?)?;
        let query = request.into_inner();
        let stream = StreamName::parse(&query.stream).map_err(|e| {
            ApiError::invalid_argument(vec![FieldViolation::new("stream", e.to_string())])
        })?;
        let direction = if query.backward {
            Direction::Backward
        } else {
            Direction::Forward
        };
        let from = if query.from_end {
            ReadFrom::End
        } else {
            ReadFrom::Revision(query.from_revision)
        };
        let max = if query.max_count == 0 {
            100
        } else {
            query.max_count.min(MAX_READ)
        };
        let events = self
            .store
            .read_stream(&stream, direction, from, max as usize)
            .await
            .map_err(ApiError::from)?;
        let events = events
            .into_iter()
            .map(|event| pb::StoredEvent {
                event_id: event.event_id.to_string(),
                stream: event.stream.to_string(),
                revision: event.revision,
                position: event.position,
                district: event
                    .metadata
                    .district
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                recorded_at: event.recorded_at.to_rfc3339(),
                payload_json: payload_json(&event.event_type, &event.payload).unwrap_or_default(),
                event_type: event.event_type,
                payload: event.payload,
            })
            .collect();
        Ok(Response::new(pb::ReadStreamResponse { events }))
    }

    async fn get_projection_status(
        &self,
        request: Request<pb::GetProjectionStatusRequest>,
    ) -> Result<Response<pb::GetProjectionStatusResponse>, Status> {
        ensure_operator(&Caller::from_request(&request)?)?;
        let head_position = self.store.head_position().await.map_err(ApiError::from)?;
        let mut projections = Vec::new();
        for handle in &self.projections {
            let status = handle.status().await.map_err(projection_error)?;
            projections.push(pb::ProjectionStatus {
                name: status.name,
                position: status.position,
                lag: status.pending_events,
                generation: u32::try_from(status.generation).unwrap_or(u32::MAX),
            });
        }
        Ok(Response::new(pb::GetProjectionStatusResponse {
            head_position,
            projections,
        }))
    }
}
