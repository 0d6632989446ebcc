use super::access::{ensure_erase, ensure_read, ensure_write, personal_data_view};
use super::errors::app_error;
use super::receipt::receipt;
use super::validate::{self, MAX_REASON_CHARS, Violations};
use crate::app::{ResidentChange, ResidentChangeKind, ResidentView, ResidentsApp};
use gongzhi_divisions::{CommunityCode, GridCode};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext};
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct ResidentGrpc {
    app: ResidentsApp,
}

impl ResidentGrpc {
    pub fn new(app: ResidentsApp) -> Self {
        Self { app }
    }

    /// Validated target plus change: checks roles, then runs the change.
    async fn change(
        &self,
        caller: Caller,
        request_id: &str,
        target: (DistrictCode, Uuid),
        kind: ResidentChangeKind,
    ) -> Result<pb::CommandReceipt, Status> {
        let (district, resident_id) = target;
        match kind {
            ResidentChangeKind::EraseData => ensure_erase(&caller, &district)?,
            _ => ensure_write(&caller, &district)?,
        }
        let context = CommandContext::new(caller, request_id)?;
        let written = self
            .app
            .change(
                &context,
                ResidentChange {
                    district,
                    resident_id,
                    kind,
                },
            )
            .await
            .map_err(app_error)?;
        Ok(receipt(&written))
    }
}

/// The fields of a request that places a resident somewhere.
struct Placed<'a> {
    request_id: &'a str,
    district: &'a str,
    resident_id: &'a str,
    community: &'a str,
    grid: &'a str,
    dwelling: &'a str,
}

impl ResidentGrpc {
    async fn placement_change(
        &self,
        caller: Caller,
        placed: Placed<'_>,
        kind: impl FnOnce(CommunityCode, Option<GridCode>, String) -> ResidentChangeKind,
    ) -> Result<pb::CommandReceipt, Status> {
        let mut v = Violations::default();
        let target = validate::target(
            &mut v,
            placed.request_id,
            placed.district,
            placed.resident_id,
        );
        let placement = validate::placement(
            &mut v,
            target.0.as_ref(),
            placed.community,
            placed.grid,
            placed.dwelling,
        );
        v.finish()?;
        let (community, grid, dwelling) =
            placement.ok_or_else(|| ApiError::invalid_argument(Vec::new()))?;
        self.change(
            caller,
            placed.request_id,
            both(target)?,
            kind(community, grid, dwelling),
        )
        .await
    }
}

fn both<A, B>(pair: (Option<A>, Option<B>)) -> Result<(A, B), ApiError> {
    match pair {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(ApiError::invalid_argument(Vec::new())),
    }
}

fn resident(view: ResidentView) -> pb::Resident {
    pb::Resident {
        resident_id: view.resident_id,
        district: view.district,
        community: view.community,
        grid: view.grid,
        residency: view.residency,
        sex: view.sex,
        birth_year: view.birth_year,
        name: view.name,
        id_number: view.id_number,
        phone: view.phone,
        dwelling: view.dwelling,
        tags: view.tags.into_iter().map(|t| t as i32).collect(),
        moved_out: view.moved_out,
        erased: view.erased,
    }
}

#[tonic::async_trait]
impl pb::resident_service_server::ResidentService for ResidentGrpc {
    async fn register_resident(
        &self,
        request: Request<pb::RegisterResidentRequest>,
    ) -> Result<Response<pb::RegisterResidentResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let command = validate::register(request.get_ref())?;
        ensure_write(&caller, &command.district)?;
        let context = CommandContext::new(caller, &request.get_ref().request_id)?;
        let (resident_id, written) = self
            .app
            .register(&context, command)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::RegisterResidentResponse {
            resident_id: resident_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn move_out(
        &self,
        request: Request<pb::MoveOutRequest>,
    ) -> Result<Response<pb::MoveOutResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = validate::target(&mut v, &r.request_id, &r.district, &r.resident_id);
        let reason = v.text("reason", &r.reason, MAX_REASON_CHARS);
        v.finish()?;
        let kind = ResidentChangeKind::MoveOut {
            reason: reason.unwrap_or_default(),
        };
        let receipt = self
            .change(caller, &r.request_id, both(target)?, kind)
            .await?;
        Ok(Response::new(pb::MoveOutResponse {
            receipt: Some(receipt),
        }))
    }

    async fn move_in(
        &self,
        request: Request<pb::MoveInRequest>,
    ) -> Result<Response<pb::MoveInResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let placed = Placed {
            request_id: &r.request_id,
            district: &r.district,
            resident_id: &r.resident_id,
            community: &r.community,
            grid: &r.grid,
            dwelling: &r.dwelling,
        };
        let receipt = self
            .placement_change(caller, placed, |community, grid, dwelling| {
                ResidentChangeKind::MoveIn {
                    community,
                    grid,
                    dwelling,
                }
            })
            .await?;
        Ok(Response::new(pb::MoveInResponse {
            receipt: Some(receipt),
        }))
    }

    async fn change_dwelling(
        &self,
        request: Request<pb::ChangeDwellingRequest>,
    ) -> Result<Response<pb::ChangeDwellingResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let placed = Placed {
            request_id: &r.request_id,
            district: &r.district,
            resident_id: &r.resident_id,
            community: &r.community,
            grid: &r.grid,
            dwelling: &r.dwelling,
        };
        let receipt = self
            .placement_change(caller, placed, |community, grid, dwelling| {
                ResidentChangeKind::ChangeDwelling {
                    community,
                    grid,
                    dwelling,
                }
            })
            .await?;
        Ok(Response::new(pb::ChangeDwellingResponse {
            receipt: Some(receipt),
        }))
    }

    async fn update_contact_details(
        &self,
        request: Request<pb::UpdateContactDetailsRequest>,
    ) -> Result<Response<pb::UpdateContactDetailsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = validate::target(&mut v, &r.request_id, &r.district, &r.resident_id);
        let phone = v.phone(&r.phone);
        v.finish()?;
        let phone = phone.ok_or_else(|| ApiError::invalid_argument(Vec::new()))?;
        let receipt = self
            .change(
                caller,
                &r.request_id,
                both(target)?,
                ResidentChangeKind::UpdateContactDetails { phone },
            )
            .await?;
        Ok(Response::new(pb::UpdateContactDetailsResponse {
            receipt: Some(receipt),
        }))
    }

    async fn set_needs_tags(
        &self,
        request: Request<pb::SetNeedsTagsRequest>,
    ) -> Result<Response<pb::SetNeedsTagsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = validate::target(&mut v, &r.request_id, &r.district, &r.resident_id);
        let kind = validate::tags(&mut v, &r.tags);
        v.finish()?;
        let kind = kind.ok_or_else(|| ApiError::invalid_argument(Vec::new()))?;
        let receipt = self
            .change(caller, &r.request_id, both(target)?, kind)
            .await?;
        Ok(Response::new(pb::SetNeedsTagsResponse {
            receipt: Some(receipt),
        }))
    }

    async fn erase_resident_data(
        &self,
        request: Request<pb::EraseResidentDataRequest>,
    ) -> Result<Response<pb::EraseResidentDataResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = validate::target(&mut v, &r.request_id, &r.district, &r.resident_id);
        v.finish()?;
        let receipt = self
            .change(
                caller,
                &r.request_id,
                both(target)?,
                ResidentChangeKind::EraseData,
            )
            .await?;
        Ok(Response::new(pb::EraseResidentDataResponse {
            receipt: Some(receipt),
        }))
    }

    async fn get_resident(
        &self,
        request: Request<pb::GetResidentRequest>,
    ) -> Result<Response<pb::GetResidentResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let resident_id = v.resident_id(&r.resident_id);
        v.finish()?;
        let (district, resident_id) = both((district, resident_id))?;
        ensure_read(&caller, &district)?;
        let view = personal_data_view(&caller, &district);
        let found = self
            .app
            .get(&district, &resident_id.to_string(), r.min_position, view)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::GetResidentResponse {
            resident: Some(resident(found)),
        }))
    }

    async fn list_residents(
        &self,
        request: Request<pb::ListResidentsRequest>,
    ) -> Result<Response<pb::ListResidentsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let filter = validate::filter(&mut v, &r, district.as_ref());
        let after = validate::page_token(&mut v, &r.page_token);
        v.finish()?;
        let (district, filter) = both((district, filter))?;
        ensure_read(&caller, &district)?;
        let view = personal_data_view(&caller, &district);
        let page = self
            .app
            .list(
                &district,
                &filter,
                r.page_size,
                after.flatten().as_deref(),
                r.min_position,
                view,
            )
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::ListResidentsResponse {
            residents: page.residents.into_iter().map(resident).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn get_population_counts(
        &self,
        request: Request<pb::GetPopulationCountsRequest>,
    ) -> Result<Response<pb::GetPopulationCountsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        v.finish()?;
        let district = district.ok_or_else(|| ApiError::invalid_argument(Vec::new()))?;
        ensure_read(&caller, &district)?;
        let counts = self
            .app
            .counts(&district, r.min_position)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::GetPopulationCountsResponse {
            communities: counts
                .into_iter()
                .map(|c| pb::CommunityCounts {
                    community: c.community,
                    registered: c.registered,
                    floating: c.floating,
                    tags: c
                        .tags
                        .into_iter()
                        .map(|(tag, residents)| pb::TagCount {
                            tag: tag as i32,
                            residents,
                        })
                        .collect(),
                })
                .collect(),
        }))
    }
}
