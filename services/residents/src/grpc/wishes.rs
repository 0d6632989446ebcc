//! `WishService`: roles and tenancy, request validation (every field
//! violation at once) and mapping. A resident acts as themselves (poster,
//! volunteer or party member claimant); district staff may act on a
//! resident's behalf and alone record a unit's claim. Who may release,
//! fulfil, confirm or withdraw is the wish decider's rule.

use super::access::{ensure_acts_for, ensure_participant_read, ensure_write};
use super::errors::participation_error;
use super::receipt::receipt;
use super::validate::{Violations, invalid, position_page_token};
use crate::app::{WishAppError, WishFilter, WishView, WishesApp};
use crate::domain::participation::wishes::{Claimant, WishAge, WishClaimantKind, WishStatus};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext};
use tonic::{Request, Response, Status};
use uuid::Uuid;

const MAX_TEXT_CHARS: usize = 500;
const MAX_UNIT_ID_CHARS: usize = 64;

pub struct WishGrpc {
    app: WishesApp,
}

impl WishGrpc {
    pub fn new(app: WishesApp) -> Self {
        Self { app }
    }
}

fn status(error: WishAppError) -> Status {
    participation_error(error, "wish").into()
}

/// A claimant: a volunteer or party member by resident id, a unit by its id.
fn claimant(v: &mut Violations, raw: Option<&pb::WishClaimant>) -> Option<Claimant> {
    let Some(raw) = raw else {
        v.add("claimant", "required");
        return None;
    };
    let kind = match WishClaimantKind::try_from(raw.kind) {
        Ok(WishClaimantKind::Unspecified) | Err(_) => {
            v.add(
                "claimant.kind",
                "required: one of the WISH_CLAIMANT_KIND_* values",
            );
            None
        }
        Ok(kind) => Some(kind),
    };
    let id = match kind {
        Some(WishClaimantKind::Unit) => v.text("claimant.id", &raw.id, MAX_UNIT_ID_CHARS),
        Some(_) => v
            .uuid("claimant.id", &raw.id)
            .map(|resident_id| resident_id.to_string()),
        None => None,
    };
    Some(Claimant {
        kind: kind?,
        id: id?,
    })
}

/// A resident claims as themselves; a unit's claim is recorded by staff.
fn ensure_claims_as(
    caller: &Caller,
    district: &DistrictCode,
    claimant: &Claimant,
) -> Result<(), ApiError> {
    if claimant.kind == WishClaimantKind::Unit {
        return ensure_write(caller, district);
    }
    let resident_id = Uuid::parse_str(&claimant.id)
        .map_err(|_| ApiError::permission_denied("a resident claims by their resident id"))?;
    ensure_acts_for(caller, district, &resident_id)
}

fn status_pb(status: WishStatus) -> pb::WishStatus {
    match status {
        WishStatus::Open => pb::WishStatus::Open,
        WishStatus::Claimed => pb::WishStatus::Claimed,
        WishStatus::Fulfilled => pb::WishStatus::Fulfilled,
        WishStatus::Confirmed => pb::WishStatus::Confirmed,
        WishStatus::Withdrawn => pb::WishStatus::Withdrawn,
    }
}

fn age_pb(age: Option<WishAge>) -> pb::WishAge {
    match age {
        None => pb::WishAge::Unspecified,
        Some(WishAge::Fresh) => pb::WishAge::Fresh,
        Some(WishAge::Waiting) => pb::WishAge::Waiting,
        Some(WishAge::Stale) => pb::WishAge::Stale,
        Some(WishAge::Overlooked) => pb::WishAge::Overlooked,
    }
}

fn wish_pb(view: WishView) -> pb::Wish {
    pb::Wish {
        wish_id: view.wish_id,
        district: view.district,
        community: view.community,
        posted_by: view.posted_by,
        text: view.text,
        posted_at: view.posted_at,
        status: status_pb(view.status) as i32,
        claimant: view.claimant.map(|c| pb::WishClaimant {
            kind: c.kind as i32,
            id: c.id,
        }),
        note: view.note,
        claimed_at: view.claimed_at,
        fulfilled_at: view.fulfilled_at,
        confirmed_at: view.confirmed_at,
        withdrawn_at: view.withdrawn_at,
        age: age_pb(view.age) as i32,
    }
}

/// What a claimant's command carries once validated and allowed.
struct ClaimantCommand {
    context: CommandContext,
    district: DistrictCode,
    wish_id: Uuid,
    claimant: Claimant,
}

fn claimant_command(
    caller: Caller,
    request_id: &str,
    (district, wish_id, claimant): (Option<DistrictCode>, Option<Uuid>, Option<Claimant>),
) -> Result<ClaimantCommand, Status> {
    let (Some(district), Some(wish_id), Some(claimant)) = (district, wish_id, claimant) else {
        return Err(invalid());
    };
    ensure_claims_as(&caller, &district, &claimant)?;
    Ok(ClaimantCommand {
        context: CommandContext::new(caller, request_id)?,
        district,
        wish_id,
        claimant,
    })
}

/// What a poster's command carries once validated and allowed.
struct PosterCommand {
    context: CommandContext,
    district: DistrictCode,
    wish_id: Uuid,
    resident_id: Uuid,
}

fn poster_command(
    caller: Caller,
    request_id: &str,
    (district, wish_id, resident_id): (Option<DistrictCode>, Option<Uuid>, Option<Uuid>),
) -> Result<PosterCommand, Status> {
    let (Some(district), Some(wish_id), Some(resident_id)) = (district, wish_id, resident_id)
    else {
        return Err(invalid());
    };
    ensure_acts_for(&caller, &district, &resident_id)?;
    Ok(PosterCommand {
        context: CommandContext::new(caller, request_id)?,
        district,
        wish_id,
        resident_id,
    })
}

#[tonic::async_trait]
impl pb::wish_service_server::WishService for WishGrpc {
    async fn post_wish(
        &self,
        request: Request<pb::PostWishRequest>,
    ) -> Result<Response<pb::PostWishResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let community = v.community(&r.community, district.as_ref());
        let resident_id = v.resident_id(&r.resident_id);
        let text = v.text("text", &r.text, MAX_TEXT_CHARS);
        v.finish()?;
        let (Some(district), Some(community), Some(resident_id), Some(text)) =
            (district, community, resident_id, text)
        else {
            return Err(invalid());
        };
        ensure_acts_for(&caller, &district, &resident_id)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (wish_id, written) = self
            .app
            .post(&context, district, community, resident_id, text)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::PostWishResponse {
            wish_id: wish_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn claim_wish(
        &self,
        request: Request<pb::ClaimWishRequest>,
    ) -> Result<Response<pb::ClaimWishResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, wish_id) = v.target(&r.request_id, &r.district, "wish_id", &r.wish_id);
        let claimant = claimant(&mut v, r.claimant.as_ref());
        v.finish()?;
        let c = claimant_command(caller, &r.request_id, (district, wish_id, claimant))?;
        let written = self
            .app
            .claim(&c.context, c.district, c.wish_id, c.claimant)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ClaimWishResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn release_wish(
        &self,
        request: Request<pb::ReleaseWishRequest>,
    ) -> Result<Response<pb::ReleaseWishResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, wish_id) = v.target(&r.request_id, &r.district, "wish_id", &r.wish_id);
        let claimant = claimant(&mut v, r.claimant.as_ref());
        v.finish()?;
        let c = claimant_command(caller, &r.request_id, (district, wish_id, claimant))?;
        let written = self
            .app
            .release(&c.context, c.district, c.wish_id, c.claimant)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ReleaseWishResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn fulfil_wish(
        &self,
        request: Request<pb::FulfilWishRequest>,
    ) -> Result<Response<pb::FulfilWishResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, wish_id) = v.target(&r.request_id, &r.district, "wish_id", &r.wish_id);
        let claimant = claimant(&mut v, r.claimant.as_ref());
        let note = v.optional_text("note", &r.note, MAX_TEXT_CHARS);
        v.finish()?;
        let Some(note) = note else {
            return Err(invalid());
        };
        let c = claimant_command(caller, &r.request_id, (district, wish_id, claimant))?;
        let written = self
            .app
            .fulfil(&c.context, c.district, c.wish_id, c.claimant, note)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::FulfilWishResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn confirm_wish(
        &self,
        request: Request<pb::ConfirmWishRequest>,
    ) -> Result<Response<pb::ConfirmWishResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, wish_id) = v.target(&r.request_id, &r.district, "wish_id", &r.wish_id);
        let resident_id = v.resident_id(&r.resident_id);
        v.finish()?;
        let c = poster_command(caller, &r.request_id, (district, wish_id, resident_id))?;
        let written = self
            .app
            .confirm(&c.context, c.district, c.wish_id, c.resident_id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ConfirmWishResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn withdraw_wish(
        &self,
        request: Request<pb::WithdrawWishRequest>,
    ) -> Result<Response<pb::WithdrawWishResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let (district, wish_id) = v.target(&r.request_id, &r.district, "wish_id", &r.wish_id);
        let resident_id = v.resident_id(&r.resident_id);
        v.finish()?;
        let c = poster_command(caller, &r.request_id, (district, wish_id, resident_id))?;
        let written = self
            .app
            .withdraw(&c.context, c.district, c.wish_id, c.resident_id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::WithdrawWishResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn get_wish(
        &self,
        request: Request<pb::GetWishRequest>,
    ) -> Result<Response<pb::GetWishResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let wish_id = v.uuid("wish_id", &r.wish_id);
        v.finish()?;
        let (Some(district), Some(wish_id)) = (district, wish_id) else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let view = self
            .app
            .get(&district, wish_id, r.min_position)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetWishResponse {
            wish: Some(wish_pb(view)),
        }))
    }

    async fn list_wishes(
        &self,
        request: Request<pb::ListWishesRequest>,
    ) -> Result<Response<pb::ListWishesResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let community = if r.community.is_empty() {
            Some(None)
        } else {
            v.community(&r.community, district.as_ref())
                .map(|c| Some(c.as_str().to_owned()))
        };
        let wish_status = match pb::WishStatus::try_from(r.status) {
            Ok(pb::WishStatus::Unspecified) => Some(None),
            Ok(pb::WishStatus::Open) => Some(Some(WishStatus::Open)),
            Ok(pb::WishStatus::Claimed) => Some(Some(WishStatus::Claimed)),
            Ok(pb::WishStatus::Fulfilled) => Some(Some(WishStatus::Fulfilled)),
            Ok(pb::WishStatus::Confirmed) => Some(Some(WishStatus::Confirmed)),
            Ok(pb::WishStatus::Withdrawn) => Some(Some(WishStatus::Withdrawn)),
            Err(_) => {
                v.add("status", "not a wish status");
                None
            }
        };
        let after = position_page_token(&mut v, &r.page_token);
        v.finish()?;
        let (Some(district), Some(community), Some(wish_status), Some(after)) =
            (district, community, wish_status, after)
        else {
            return Err(invalid());
        };
        ensure_participant_read(&caller, &district)?;
        let filter = WishFilter {
            community,
            status: wish_status,
        };
        let page = self
            .app
            .list(&district, &filter, r.page_size, after, r.min_position)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListWishesResponse {
            wishes: page.wishes.into_iter().map(wish_pb).collect(),
            next_page_token: page.next_page_token,
        }))
    }
}
