//! `gongzhi.property.v1.AssemblyService`: assemblies, ballots, committees.

use super::access::{ensure_ballot, ensure_read, ensure_write};
use super::errors::grpc;
use super::receipt::receipt;
use super::validate::{ID_MAX_CHARS, NAME_MAX_CHARS, PropertyFields, TEXT_MAX_CHARS, incomplete};
use super::views::{assembly_of, committee_of};
use crate::app::PropertyApp;
use crate::app::assemblies::{CastBallot, Convene};
use crate::domain::assembly::{Choice, Matter, MatterSpec};
use crate::domain::estate::DEVELOPER_HEAD;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::{Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};

pub struct AssemblyGrpc {
    app: PropertyApp,
}

impl AssemblyGrpc {
    pub fn new(app: PropertyApp) -> Self {
        Self { app }
    }
}

fn matters(v: &mut Violations, raw: &[pb::AssemblyMatter]) -> Vec<MatterSpec> {
    if raw.is_empty() {
        v.add("matters", "an assembly decides at least one matter");
    }
    let mut specs = Vec::with_capacity(raw.len());
    for (i, m) in raw.iter().enumerate() {
        let id = v.id(&format!("matters[{i}].matter_id"), &m.matter_id);
        let title = v.text(&format!("matters[{i}].title"), &m.title, NAME_MAX_CHARS);
        let proposal = v.optional_text(
            &format!("matters[{i}].proposal"),
            &m.proposal,
            TEXT_MAX_CHARS,
        );
        let matter = Matter::from_proto(m.kind);
        if matter.is_none() {
            v.add(
                &format!("matters[{i}].kind"),
                "required: one of the nine kinds of matter of art. 278",
            );
        }
        if let (Some(matter_id), Some(title), Some(proposal), Some(matter)) =
            (id, title, proposal, matter)
        {
            specs.push(MatterSpec {
                matter_id,
                matter,
                title,
                proposal,
            });
        }
    }
    specs
}

fn choice(v: &mut Violations, raw: i32) -> Option<Choice> {
    let known = v.enum_value("choice", raw, pb::BallotChoice::Unspecified)?;
    Choice::from_proto(known as i32)
}

/// An owner id on the roll: a UUID, or "developer" for the unsold units.
fn head(v: &mut Violations, raw: &str) -> Option<String> {
    if raw == DEVELOPER_HEAD {
        return Some(raw.to_owned());
    }
    v.uuid("owner_id", raw).map(|id| id.to_string())
}

#[tonic::async_trait]
impl pb::assembly_service_server::AssemblyService for AssemblyGrpc {
    async fn convene_assembly(
        &self,
        request: Request<pb::ConveneAssemblyRequest>,
    ) -> Result<Response<pb::ConveneAssemblyResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let estate = v.uuid("estate_id", &r.estate_id);
        let held_on = v.date("held_on", &r.held_on);
        let matters = matters(&mut v, &r.matters);
        v.finish()?;
        let (Some(district), Some(estate_id), Some(held_on)) = (district, estate, held_on) else {
            return Err(incomplete());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let convene = Convene {
            estate_id,
            first: r.first,
            held_on,
            matters,
        };
        let (assembly_id, written) = grpc(
            self.app
                .convene_assembly(&context, &district, convene)
                .await,
        )?;
        Ok(Response::new(pb::ConveneAssemblyResponse {
            assembly_id: assembly_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn cast_ballot(
        &self,
        request: Request<pb::CastBallotRequest>,
    ) -> Result<Response<pb::CastBallotResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let assembly = v.uuid("assembly_id", &r.assembly_id);
        let matter = v.text("matter_id", &r.matter_id, ID_MAX_CHARS);
        let head = head(&mut v, &r.owner_id);
        let choice = choice(&mut v, r.choice);
        let channel = v.enum_value("channel", r.channel, pb::BallotChannel::Unspecified);
        v.finish()?;
        let (
            Some(district),
            Some(assembly_id),
            Some(matter_id),
            Some(head),
            Some(choice),
            Some(channel),
        ) = (district, assembly, matter, head, choice, channel)
        else {
            return Err(incomplete());
        };
        ensure_ballot(&caller, &district, &head, channel)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let ballot = CastBallot {
            assembly_id,
            matter_id,
            head,
            choice,
            channel,
        };
        let written = grpc(self.app.cast_ballot(&context, &district, ballot).await)?;
        Ok(Response::new(pb::CastBallotResponse {
            receipt: receipt(&written),
        }))
    }

    async fn close_assembly(
        &self,
        request: Request<pb::CloseAssemblyRequest>,
    ) -> Result<Response<pb::CloseAssemblyResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let assembly = v.uuid("assembly_id", &r.assembly_id);
        v.finish()?;
        let (Some(district), Some(assembly_id)) = (district, assembly) else {
            return Err(incomplete());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = grpc(
            self.app
                .close_assembly(&context, &district, assembly_id)
                .await,
        )?;
        Ok(Response::new(pb::CloseAssemblyResponse {
            receipt: receipt(&written),
        }))
    }

    async fn get_assembly(
        &self,
        request: Request<pb::GetAssemblyRequest>,
    ) -> Result<Response<pb::GetAssemblyResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let assembly = v.uuid("assembly_id", &r.assembly_id);
        v.finish()?;
        let (Some(district), Some(assembly_id)) = (district, assembly) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let view = grpc(
            self.app
                .get_assembly(&district, assembly_id, r.min_position)
                .await,
        )?;
        Ok(Response::new(pb::GetAssemblyResponse {
            assembly: Some(assembly_of(view)),
        }))
    }

    async fn elect_committee(
        &self,
        request: Request<pb::ElectCommitteeRequest>,
    ) -> Result<Response<pb::ElectCommitteeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let assembly = v.uuid("assembly_id", &r.assembly_id);
        let matter = v.text("matter_id", &r.matter_id, ID_MAX_CHARS);
        let mut members = Vec::with_capacity(r.members.len());
        for (i, member) in r.members.iter().enumerate() {
            if let Some(id) = v.uuid(&format!("members[{i}]"), member) {
                members.push(id.to_string());
            }
        }
        v.finish()?;
        let (Some(district), Some(assembly_id), Some(matter_id)) = (district, assembly, matter)
        else {
            return Err(incomplete());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (committee_id, written) = grpc(
            self.app
                .elect_committee(&context, &district, assembly_id, &matter_id, members)
                .await,
        )?;
        Ok(Response::new(pb::ElectCommitteeResponse {
            committee_id: committee_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn file_committee(
        &self,
        request: Request<pb::FileCommitteeRequest>,
    ) -> Result<Response<pb::FileCommitteeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let committee = v.uuid("committee_id", &r.committee_id);
        let housing = v.text(
            "housing_authority_ref",
            &r.housing_authority_ref,
            NAME_MAX_CHARS,
        );
        let street = v.text("street_office_ref", &r.street_office_ref, NAME_MAX_CHARS);
        v.finish()?;
        let (Some(district), Some(committee_id), Some(housing), Some(street)) =
            (district, committee, housing, street)
        else {
            return Err(incomplete());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = grpc(
            self.app
                .file_committee(&context, &district, committee_id, housing, street)
                .await,
        )?;
        Ok(Response::new(pb::FileCommitteeResponse {
            receipt: receipt(&written),
        }))
    }

    async fn get_committee(
        &self,
        request: Request<pb::GetCommitteeRequest>,
    ) -> Result<Response<pb::GetCommitteeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let committee = v.uuid("committee_id", &r.committee_id);
        v.finish()?;
        let (Some(district), Some(committee_id)) = (district, committee) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let view = grpc(
            self.app
                .get_committee(&district, committee_id, r.min_position)
                .await,
        )?;
        Ok(Response::new(pb::GetCommitteeResponse {
            committee: Some(committee_of(view)),
        }))
    }

    async fn list_committees(
        &self,
        request: Request<pb::ListCommitteesRequest>,
    ) -> Result<Response<pb::ListCommitteesResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let estate = if r.estate_id.is_empty() {
            Some(None)
        } else {
            v.uuid("estate_id", &r.estate_id).map(Some)
        };
        v.finish()?;
        let (Some(district), Some(estate)) = (district, estate) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let views = grpc(
            self.app
                .list_committees(&district, estate, r.flagged_late_only, r.min_position)
                .await,
        )?;
        Ok(Response::new(pb::ListCommitteesResponse {
            committees: views.into_iter().map(committee_of).collect(),
        }))
    }

    async fn list_assemblies(
        &self,
        request: Request<pb::ListAssembliesRequest>,
    ) -> Result<Response<pb::ListAssembliesResponse>, Status> {
        super::lists::list_assemblies(&self.app, request).await
    }
}
