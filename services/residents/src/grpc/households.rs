use super::access::{ensure_read, ensure_write};
use super::errors::household_error;
use super::receipt::receipt;
use super::validate::Violations;
use crate::app::{HouseholdChange, ResidentsApp};
use crate::domain::Relation;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext};
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct HouseholdGrpc {
    app: ResidentsApp,
}

impl HouseholdGrpc {
    pub fn new(app: ResidentsApp) -> Self {
        Self { app }
    }

    async fn change(
        &self,
        caller: Caller,
        request_id: &str,
        target: (Option<DistrictCode>, Option<Uuid>),
        change: Option<HouseholdChange>,
    ) -> Result<pb::CommandReceipt, Status> {
        let (Some(district), Some(household_id), Some(change)) = (target.0, target.1, change)
        else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, request_id)?;
        let written = self
            .app
            .change_household(&context, district, household_id, change)
            .await
            .map_err(household_error)?;
        Ok(receipt(&written))
    }
}

fn uuid(v: &mut Violations, field: &str, raw: &str) -> Option<Uuid> {
    v.check(field, Uuid::parse_str(raw).map_err(|_| "must be a UUID"))
}

/// A member's relation: set, and not HEAD (the head is set by create or change head).
fn relation(v: &mut Violations, field: &str, raw: i32) -> Option<Relation> {
    match Relation::try_from(raw) {
        Ok(Relation::Unspecified) | Err(_) => {
            v.add(field, "required: one of the RELATION_* values");
            None
        }
        Ok(Relation::Head) => {
            v.add(
                field,
                "RELATION_HEAD is given by creating the household or changing its head",
            );
            None
        }
        Ok(relation) => Some(relation),
    }
}

fn target(
    v: &mut Violations,
    request_id: &str,
    district: &str,
    household_id: &str,
) -> (Option<DistrictCode>, Option<Uuid>) {
    v.request_id(request_id);
    (v.district(district), uuid(v, "household_id", household_id))
}

#[tonic::async_trait]
impl pb::household_service_server::HouseholdService for HouseholdGrpc {
    async fn create_household(
        &self,
        request: Request<pb::CreateHouseholdRequest>,
    ) -> Result<Response<pb::CreateHouseholdResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let community = v.community(&r.community, district.as_ref());
        let head = uuid(&mut v, "head_resident_id", &r.head_resident_id);
        v.finish()?;
        let (Some(district), Some(community), Some(head)) = (district, community, head) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (household_id, written) = self
            .app
            .create_household(&context, district, community, head)
            .await
            .map_err(household_error)?;
        Ok(Response::new(pb::CreateHouseholdResponse {
            household_id: household_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn add_household_member(
        &self,
        request: Request<pb::AddHouseholdMemberRequest>,
    ) -> Result<Response<pb::AddHouseholdMemberResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.household_id);
        let resident_id = uuid(&mut v, "resident_id", &r.resident_id);
        let relation = relation(&mut v, "relation", r.relation);
        v.finish()?;
        let change =
            resident_id
                .zip(relation)
                .map(|(resident_id, relation)| HouseholdChange::AddMember {
                    resident_id,
                    relation,
                });
        let receipt = self.change(caller, &r.request_id, target, change).await?;
        Ok(Response::new(pb::AddHouseholdMemberResponse {
            receipt: Some(receipt),
        }))
    }

    async fn remove_household_member(
        &self,
        request: Request<pb::RemoveHouseholdMemberRequest>,
    ) -> Result<Response<pb::RemoveHouseholdMemberResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.household_id);
        let resident_id = uuid(&mut v, "resident_id", &r.resident_id);
        v.finish()?;
        let change = resident_id.map(|resident_id| HouseholdChange::RemoveMember { resident_id });
        let receipt = self.change(caller, &r.request_id, target, change).await?;
        Ok(Response::new(pb::RemoveHouseholdMemberResponse {
            receipt: Some(receipt),
        }))
    }

    async fn change_household_head(
        &self,
        request: Request<pb::ChangeHouseholdHeadRequest>,
    ) -> Result<Response<pb::ChangeHouseholdHeadResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.household_id);
        let new_head = uuid(&mut v, "new_head_resident_id", &r.new_head_resident_id);
        let previous = relation(&mut v, "previous_head_relation", r.previous_head_relation);
        v.finish()?;
        let change = new_head
            .zip(previous)
            .map(
                |(new_head, previous_head_relation)| HouseholdChange::ChangeHead {
                    new_head,
                    previous_head_relation,
                },
            );
        let receipt = self.change(caller, &r.request_id, target, change).await?;
        Ok(Response::new(pb::ChangeHouseholdHeadResponse {
            receipt: Some(receipt),
        }))
    }

    async fn get_household(
        &self,
        request: Request<pb::GetHouseholdRequest>,
    ) -> Result<Response<pb::GetHouseholdResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let household_id = uuid(&mut v, "household_id", &r.household_id);
        v.finish()?;
        let (Some(district), Some(household_id)) = (district, household_id) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_read(&caller, &district)?;
        let view = self
            .app
            .get_household(&district, household_id, r.min_position)
            .await
            .map_err(household_error)?;
        Ok(Response::new(pb::GetHouseholdResponse {
            household: Some(pb::Household {
                household_id: view.household_id,
                district: view.district,
                community: view.community,
                head_resident_id: view.head_resident_id,
                members: view
                    .members
                    .into_iter()
                    .map(|(resident_id, relation)| pb::HouseholdMember {
                        resident_id,
                        relation,
                    })
                    .collect(),
            }),
        }))
    }
}
