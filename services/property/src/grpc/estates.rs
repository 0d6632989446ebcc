//! `gongzhi.property.v1.EstateService`: field validation (all violations at
//! once), who may write and read, mapping to and from the application.

use super::access::{ensure_read, ensure_street_office, ensure_write};
use super::errors::grpc;
use super::receipt::receipt;
use super::validate::{ID_MAX_CHARS, NAME_MAX_CHARS, PropertyFields, incomplete};
use super::views::estate_of;
use crate::app::PropertyApp;
use crate::domain::area::{AreaBasis, UnitAreas};
use crate::domain::estate::{EstateCommand, NewUnit};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::{Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct EstateGrpc {
    app: PropertyApp,
}

impl EstateGrpc {
    pub fn new(app: PropertyApp) -> Self {
        Self { app }
    }

    /// Validates the common fields of an estate change, checks the caller
    /// may write, and runs the command `build` makes.
    async fn change(
        &self,
        caller: Caller,
        target: Target<'_>,
        v: Violations,
        resident_min_position: u64,
        build: impl FnOnce(DistrictCode) -> Option<EstateCommand>,
    ) -> Result<Option<pb::CommandReceipt>, Status> {
        let Target {
            request_id,
            district,
            estate_id,
        } = target;
        let mut v = v;
        v.request_id(request_id);
        let district = v.district(district);
        let estate = v.uuid("estate_id", estate_id);
        v.finish()?;
        let (Some(district), Some(estate)) = (district, estate) else {
            return Err(incomplete());
        };
        let command = build(district.clone()).ok_or_else(incomplete)?;
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, request_id)?;
        let written = grpc(
            self.app
                .change_estate(&context, &district, estate, command, resident_min_position)
                .await,
        )?;
        Ok(receipt(&written))
    }
}

/// The request fields every estate change carries.
struct Target<'a> {
    request_id: &'a str,
    district: &'a str,
    estate_id: &'a str,
}

fn area_basis(v: &mut Violations, raw: i32) -> Option<AreaBasis> {
    match v.enum_value("basis", raw, pb::AreaBasis::Unspecified)? {
        pb::AreaBasis::Register => Some(AreaBasis::Register),
        pb::AreaBasis::Surveyed => Some(AreaBasis::Surveyed),
        _ => Some(AreaBasis::Contract),
    }
}

fn optional_id(v: &mut Violations, field: &str, raw: &str) -> Option<Option<String>> {
    if raw.is_empty() {
        return Some(None);
    }
    v.uuid(field, raw).map(|id| Some(id.to_string()))
}

#[tonic::async_trait]
impl pb::estate_service_server::EstateService for EstateGrpc {
    async fn register_estate(
        &self,
        request: Request<pb::RegisterEstateRequest>,
    ) -> Result<Response<pb::RegisterEstateResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        if r.community.len() != 12 || !r.community.bytes().all(|b| b.is_ascii_digit()) {
            v.add("community", "must be a 12-digit community code");
        }
        let name = v.text("name", &r.name, NAME_MAX_CHARS);
        let developer = v.social_credit_code("developer_id", &r.developer_id);
        v.finish()?;
        let (Some(district), Some(name), Some(developer)) = (district, name, developer) else {
            return Err(incomplete());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (estate_id, written) = grpc(
            self.app
                .register_estate(&context, &district, r.community, name, developer)
                .await,
        )?;
        Ok(Response::new(pb::RegisterEstateResponse {
            estate_id: estate_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn add_building(
        &self,
        request: Request<pb::AddBuildingRequest>,
    ) -> Result<Response<pb::AddBuildingResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let building = v.id("building_id", &r.building_id);
        let name = v.text("name", &r.name, NAME_MAX_CHARS);
        let receipt = self
            .change(
                caller,
                Target {
                    request_id: &r.request_id,
                    district: &r.district,
                    estate_id: &r.estate_id,
                },
                v,
                0,
                |district| {
                    Some(EstateCommand::AddBuilding {
                        district,
                        building_id: building?,
                        name: name?,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::AddBuildingResponse { receipt }))
    }

    async fn add_unit(
        &self,
        request: Request<pb::AddUnitRequest>,
    ) -> Result<Response<pb::AddUnitResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let unit_id = v.id("unit_id", &r.unit_id);
        let building_id = v.id("building_id", &r.building_id);
        let number = v.text("number", &r.number, ID_MAX_CHARS);
        let register = v.optional_area("register_area", &r.register_area);
        let surveyed = v.optional_area("surveyed_area", &r.surveyed_area);
        let contract = v.optional_area("contract_area", &r.contract_area);
        if r.register_area.is_empty() && r.surveyed_area.is_empty() && r.contract_area.is_empty() {
            v.add(
                "register_area",
                "give a register, surveyed or contract area",
            );
        }
        let receipt = self
            .change(
                caller,
                Target {
                    request_id: &r.request_id,
                    district: &r.district,
                    estate_id: &r.estate_id,
                },
                v,
                0,
                |district| {
                    Some(EstateCommand::AddUnit {
                        district,
                        unit: NewUnit {
                            unit_id: unit_id?,
                            building_id: building_id?,
                            number: number?,
                            areas: UnitAreas {
                                register: register?,
                                surveyed: surveyed?,
                                contract: contract?,
                            },
                        },
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::AddUnitResponse { receipt }))
    }

    async fn record_unit_area(
        &self,
        request: Request<pb::RecordUnitAreaRequest>,
    ) -> Result<Response<pb::RecordUnitAreaResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let unit_id = v.id("unit_id", &r.unit_id);
        let basis = area_basis(&mut v, r.basis);
        let area = v.area("area", &r.area);
        let receipt = self
            .change(
                caller,
                Target {
                    request_id: &r.request_id,
                    district: &r.district,
                    estate_id: &r.estate_id,
                },
                v,
                0,
                |district| {
                    Some(EstateCommand::RecordArea {
                        district,
                        unit_id: unit_id?,
                        basis: basis?,
                        area: area?,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::RecordUnitAreaResponse { receipt }))
    }

    async fn deliver_unit(
        &self,
        request: Request<pb::DeliverUnitRequest>,
    ) -> Result<Response<pb::DeliverUnitResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let unit_id = v.id("unit_id", &r.unit_id);
        let owner = v.uuid("owner_id", &r.owner_id);
        let resident = optional_id(&mut v, "resident_id", &r.resident_id);
        let on = v.date("delivered_on", &r.delivered_on);
        let receipt = self
            .change(
                caller,
                Target {
                    request_id: &r.request_id,
                    district: &r.district,
                    estate_id: &r.estate_id,
                },
                v,
                r.resident_min_position,
                |district| {
                    Some(EstateCommand::Deliver {
                        district,
                        unit_id: unit_id?,
                        owner_id: owner?.to_string(),
                        resident_id: resident?,
                        on: on?,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::DeliverUnitResponse { receipt }))
    }

    async fn transfer_ownership(
        &self,
        request: Request<pb::TransferOwnershipRequest>,
    ) -> Result<Response<pb::TransferOwnershipResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let unit_id = v.id("unit_id", &r.unit_id);
        let owner = v.uuid("to_owner_id", &r.to_owner_id);
        let resident = optional_id(&mut v, "to_resident_id", &r.to_resident_id);
        let on = v.date("transferred_on", &r.transferred_on);
        let receipt = self
            .change(
                caller,
                Target {
                    request_id: &r.request_id,
                    district: &r.district,
                    estate_id: &r.estate_id,
                },
                v,
                r.resident_min_position,
                |district| {
                    Some(EstateCommand::Transfer {
                        district,
                        unit_id: unit_id?,
                        to_owner_id: owner?.to_string(),
                        to_resident_id: resident?,
                        on: on?,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::TransferOwnershipResponse { receipt }))
    }

    async fn form_preparatory_group(
        &self,
        request: Request<pb::FormPreparatoryGroupRequest>,
    ) -> Result<Response<pb::FormPreparatoryGroupResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let estate = v.uuid("estate_id", &r.estate_id);
        let led_by = v.id("led_by", &r.led_by);
        let mut members = Vec::with_capacity(r.members.len());
        for (i, m) in r.members.iter().enumerate() {
            let id = v.id(&format!("members[{i}].member_id"), &m.member_id);
            let role = v.text(&format!("members[{i}].role"), &m.role, NAME_MAX_CHARS);
            if let (Some(id), Some(role)) = (id, role) {
                members.push((id, role));
            }
        }
        if let Some(lead) = &led_by
            && !members.iter().any(|(id, _)| id == lead)
        {
            v.add("led_by", "the lead is one of the members");
        }
        v.finish()?;
        let (Some(district), Some(estate), Some(led_by)) = (district, estate, led_by) else {
            return Err(incomplete());
        };
        ensure_street_office(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let command = EstateCommand::FormPreparatoryGroup {
            district: district.clone(),
            // The caller's street office role was checked above.
            led_by_street_office: true,
            led_by,
            members,
            today: self.app.today(),
        };
        let written = grpc(
            self.app
                .change_estate(&context, &district, estate, command, 0)
                .await,
        )?;
        Ok(Response::new(pb::FormPreparatoryGroupResponse {
            receipt: receipt(&written),
        }))
    }

    async fn get_estate(
        &self,
        request: Request<pb::GetEstateRequest>,
    ) -> Result<Response<pb::GetEstateResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let estate: Option<Uuid> = v.uuid("estate_id", &r.estate_id);
        v.finish()?;
        let (Some(district), Some(estate)) = (district, estate) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let view = grpc(self.app.get_estate(&district, estate, r.min_position).await)?;
        Ok(Response::new(pb::GetEstateResponse {
            estate: Some(estate_of(view)),
        }))
    }

    async fn list_estates(
        &self,
        request: Request<pb::ListEstatesRequest>,
    ) -> Result<Response<pb::ListEstatesResponse>, Status> {
        super::lists::list_estates(&self.app, request).await
    }
}
