//! The paged list queries: estates of a district and assemblies of an
//! estate. Page tokens are opaque to clients; a token this service did not
//! give out is INVALID_ARGUMENT.

use super::access::ensure_read;
use super::errors::grpc;
use super::validate::incomplete;
use super::views::{assembly_of, estate_summary_of};
use crate::app::PropertyApp;
use crate::app::assemblies::AssemblyCursor;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::{Caller, Violations};
use tonic::{Request, Response, Status};
use uuid::Uuid;

const NOT_A_TOKEN: &str = "not a page token from this service";

pub async fn list_estates(
    app: &PropertyApp,
    request: Request<pb::ListEstatesRequest>,
) -> Result<Response<pb::ListEstatesResponse>, Status> {
    let caller = Caller::from_request(&request)?;
    let r = request.into_inner();
    let mut v = Violations::default();
    let district = v.district(&r.district);
    if !r.community.is_empty()
        && (r.community.len() != 12
            || !r.community.bytes().all(|b| b.is_ascii_digit())
            || !r.community.starts_with(&r.district))
    {
        v.add(
            "community",
            "must be a 12-digit community code within the district",
        );
    }
    let after = if r.page_token.is_empty() {
        Some(None)
    } else {
        v.check(
            "page_token",
            Uuid::parse_str(&r.page_token).map_err(|_| NOT_A_TOKEN),
        )
        .map(|id| Some(id.to_string()))
    };
    v.finish()?;
    let (Some(district), Some(after)) = (district, after) else {
        return Err(incomplete());
    };
    ensure_read(&caller, &district)?;
    let community = (!r.community.is_empty()).then_some(r.community.as_str());
    let page = grpc(
        app.list_estates(
            &district,
            community,
            r.page_size,
            after.as_deref(),
            r.min_position,
        )
        .await,
    )?;
    Ok(Response::new(pb::ListEstatesResponse {
        estates: page.estates.into_iter().map(estate_summary_of).collect(),
        next_page_token: page.next_page_token,
    }))
}

pub async fn list_assemblies(
    app: &PropertyApp,
    request: Request<pb::ListAssembliesRequest>,
) -> Result<Response<pb::ListAssembliesResponse>, Status> {
    let caller = Caller::from_request(&request)?;
    let r = request.into_inner();
    let mut v = Violations::default();
    let district = v.district(&r.district);
    let estate = v.uuid("estate_id", &r.estate_id);
    let after = if r.page_token.is_empty() {
        Some(None)
    } else {
        v.check(
            "page_token",
            AssemblyCursor::parse(&r.page_token).ok_or(NOT_A_TOKEN),
        )
        .map(Some)
    };
    v.finish()?;
    let (Some(district), Some(estate), Some(after)) = (district, estate, after) else {
        return Err(incomplete());
    };
    ensure_read(&caller, &district)?;
    // Another district's estate, or none, is NOT_FOUND rather than empty.
    grpc(app.estate_facts(&district, estate).await)?;
    let page = grpc(
        app.list_assemblies(
            &district,
            estate,
            r.page_size,
            after.as_ref(),
            r.min_position,
        )
        .await,
    )?;
    Ok(Response::new(pb::ListAssembliesResponse {
        assemblies: page.assemblies.into_iter().map(assembly_of).collect(),
        next_page_token: page.next_page_token,
    }))
}
