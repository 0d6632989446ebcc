//! Requests into application commands. Every problem becomes one field
//! violation and all of them are reported together, so a caller fixes a
//! form in one round trip.

use crate::app::{RegisterResident, ResidentChangeKind, ResidentFilter};
use gongzhi_divisions::{CommunityCode, Divisions, GridCode};
use gongzhi_kernel::{DistrictCode, PhoneNumber, ResidentIdNumber};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::{ApiError, FieldViolation};
use uuid::Uuid;

pub const MAX_NAME_CHARS: usize = 50;
pub const MAX_DWELLING_CHARS: usize = 200;
pub const MAX_REASON_CHARS: usize = 500;

/// The shared collector ([`gongzhi_server::Violations`]) with this
/// service's field parsers on top.
#[derive(Default)]
pub struct Violations(gongzhi_server::Violations);

impl std::ops::Deref for Violations {
    type Target = gongzhi_server::Violations;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Violations {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Violations {
    pub fn finish(self) -> Result<(), ApiError> {
        self.0.finish()
    }

    pub fn resident_id(&mut self, raw: &str) -> Option<Uuid> {
        self.check(
            "resident_id",
            Uuid::parse_str(raw).map_err(|_| "must be a UUID"),
        )
    }

    pub fn community(
        &mut self,
        raw: &str,
        district: Option<&DistrictCode>,
    ) -> Option<CommunityCode> {
        if raw.trim().is_empty() {
            self.add("community", "required");
            return None;
        }
        // Without a valid district there is nothing to check it against; the
        // district's own violation says why.
        let district = district?;
        self.check(
            "community",
            Divisions::embedded().community_code_in(raw, district),
        )
    }

    /// An optional unit grid: `Some(None)` when empty, `None` when invalid.
    pub fn grid(
        &mut self,
        raw: &str,
        district: Option<&DistrictCode>,
        community: Option<&CommunityCode>,
    ) -> Option<Option<GridCode>> {
        if raw.is_empty() {
            return Some(None);
        }
        let grid = self.check("grid", Divisions::embedded().unit_grid_in(raw, district?))?;
        if community.is_some_and(|c| grid.community().as_str() != c.as_str()) {
            self.add("grid", "the unit grid is not in the given community");
            return None;
        }
        Some(Some(grid))
    }

    /// Request id, district and the item a command acts on: what every
    /// command on an existing item names.
    pub fn target(
        &mut self,
        request_id: &str,
        district: &str,
        id_field: &str,
        id: &str,
    ) -> (Option<DistrictCode>, Option<Uuid>) {
        self.request_id(request_id);
        (self.district(district), self.uuid(id_field, id))
    }

    pub fn phone(&mut self, raw: &str) -> Option<PhoneNumber> {
        self.check("phone", PhoneNumber::parse(raw))
    }
}

pub fn register(request: &pb::RegisterResidentRequest) -> Result<RegisterResident, ApiError> {
    let mut v = Violations::default();
    v.request_id(&request.request_id);
    let district = v.district(&request.district);
    let community = v.community(&request.community, district.as_ref());
    let grid = v.grid(&request.grid, district.as_ref(), community.as_ref());
    let residency = match pb::Residency::try_from(request.residency) {
        Ok(residency @ (pb::Residency::Registered | pb::Residency::Floating)) => Some(residency),
        _ => {
            v.add(
                "residency",
                "must be RESIDENCY_REGISTERED or RESIDENCY_FLOATING",
            );
            None
        }
    };
    let name = v.text("name", &request.name, MAX_NAME_CHARS);
    let id_number = if request.id_number.is_empty() {
        v.add("id_number", "required");
        None
    } else {
        v.check("id_number", ResidentIdNumber::parse(&request.id_number))
    };
    let phone = if request.phone.is_empty() {
        Some(None)
    } else {
        v.phone(&request.phone).map(Some)
    };
    let dwelling = v.text("dwelling", &request.dwelling, MAX_DWELLING_CHARS);
    v.finish()?;
    match (
        district, community, grid, residency, name, id_number, phone, dwelling,
    ) {
        (
            Some(district),
            Some(community),
            Some(grid),
            Some(residency),
            Some(name),
            Some(id_number),
            Some(phone),
            Some(dwelling),
        ) => Ok(RegisterResident {
            district,
            community,
            grid,
            residency,
            name,
            id_number,
            phone,
            dwelling,
        }),
        _ => Err(ApiError::invalid_argument(vec![FieldViolation::new(
            "",
            "invalid request",
        )])),
    }
}

/// The fields every change shares: request id, district and resident.
pub fn target(
    v: &mut Violations,
    request_id: &str,
    district: &str,
    resident_id: &str,
) -> (Option<DistrictCode>, Option<Uuid>) {
    v.target(request_id, district, "resident_id", resident_id)
}

/// The error after [`Violations::finish`] passed but a parsed field is
/// missing, which cannot happen; it keeps handlers free of `unwrap`.
pub fn invalid() -> tonic::Status {
    ApiError::invalid_argument(Vec::new()).into()
}

pub fn placement(
    v: &mut Violations,
    district: Option<&DistrictCode>,
    community: &str,
    grid: &str,
    dwelling: &str,
) -> Option<(CommunityCode, Option<GridCode>, String)> {
    let community = v.community(community, district);
    let grid = v.grid(grid, district, community.as_ref());
    let dwelling = v.text("dwelling", dwelling, MAX_DWELLING_CHARS);
    Some((community?, grid?, dwelling?))
}

pub fn tags(v: &mut Violations, raw: &[i32]) -> Option<ResidentChangeKind> {
    let mut tags = Vec::new();
    for value in raw {
        match pb::NeedsTag::try_from(*value) {
            Ok(pb::NeedsTag::Unspecified) | Err(_) => {
                v.add("tags", format!("{value} is not a needs tag"));
                return None;
            }
            Ok(tag) => tags.push(tag),
        }
    }
    Some(ResidentChangeKind::SetNeedsTags { tags })
}

pub fn filter(
    v: &mut Violations,
    request: &pb::ListResidentsRequest,
    district: Option<&DistrictCode>,
) -> Option<ResidentFilter> {
    let chosen = [
        !request.community.is_empty(),
        !request.grid.is_empty(),
        request.tag != 0,
    ]
    .iter()
    .filter(|c| **c)
    .count();
    if chosen > 1 {
        v.add("community", "give at most one of community, grid and tag");
        return None;
    }
    if !request.community.is_empty() {
        return v
            .community(&request.community, district)
            .map(|c| ResidentFilter::Community(c.as_str().to_owned()));
    }
    if !request.grid.is_empty() {
        return v
            .grid(&request.grid, district, None)
            .flatten()
            .map(|g| ResidentFilter::Grid(g.as_str().to_owned()));
    }
    if request.tag != 0 {
        return match pb::NeedsTag::try_from(request.tag) {
            Ok(tag) => Some(ResidentFilter::Tag(tag)),
            Err(_) => {
                v.add("tag", "not a needs tag");
                None
            }
        };
    }
    Some(ResidentFilter::All)
}

pub fn page_token(v: &mut Violations, raw: &str) -> Option<Option<String>> {
    if raw.is_empty() {
        return Some(None);
    }
    v.check(
        "page_token",
        Uuid::parse_str(raw).map_err(|_| "not a page token from this service"),
    )
    .map(|id| Some(id.to_string()))
}

/// A page token that is a read-model position (lists ordered by when items
/// were written): `Some(None)` when empty, `None` when invalid.
pub fn position_page_token(v: &mut Violations, raw: &str) -> Option<Option<i64>> {
    if raw.is_empty() {
        return Some(None);
    }
    v.check(
        "page_token",
        raw.parse::<i64>()
            .ok()
            .filter(|position| *position >= 0)
            .map(Some)
            .ok_or("not a page token from this service"),
    )
}
