//! Proposal requests into application values, every field violation
//! reported at once; read-model views into proto messages.

use super::super::validate::Violations;
use crate::app::proposals::{ProposalFilter, ProposalView, RaiseProposal};
use crate::domain::participation::proposals::{
    Owner, ProposalKind, ProposalOwnerKind, StreetProblem,
};
use chrono::{DateTime, Utc};
use gongzhi_divisions::Divisions;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::ApiError;

pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_CATEGORY_CHARS: usize = 100;
pub const MAX_ADDRESS_CHARS: usize = 200;
pub const MAX_OWNER_ID_CHARS: usize = 64;

/// Every field was valid but a value is missing: cannot happen after
/// `finish`, answered as a bad request rather than a panic.
pub fn missing() -> ApiError {
    ApiError::invalid_argument(Vec::new())
}

/// Required free text that may run over several lines (a body, an answer):
/// trimmed, at most `max_chars`, no control characters but line breaks and
/// tabs.
pub fn long_text(v: &mut Violations, field: &str, raw: &str, max_chars: usize) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        v.add(field, "required");
        return None;
    }
    let chars = trimmed.chars().count();
    if chars > max_chars {
        v.add(
            field,
            format!("must be at most {max_chars} characters, got {chars}"),
        );
        return None;
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        v.add(
            field,
            "must not contain control characters other than line breaks",
        );
        return None;
    }
    Some(trimmed.to_owned())
}

fn kind(v: &mut Violations, raw: i32) -> Option<ProposalKind> {
    match ProposalKind::try_from(raw) {
        Ok(kind @ (ProposalKind::Proposal | ProposalKind::Complaint)) => Some(kind),
        _ => {
            v.add(
                "kind",
                "required: PROPOSAL_KIND_PROPOSAL or PROPOSAL_KIND_COMPLAINT",
            );
            None
        }
    }
}

fn coordinate(v: &mut Violations, field: &str, value: f64, bound: f64) -> Option<f64> {
    if value.is_finite() && value.abs() <= bound {
        Some(value)
    } else {
        v.add(field, format!("must be within [-{bound}, {bound}]"));
        None
    }
}

/// `Some(None)` without a street problem, `None` when it is invalid.
fn street_problem(
    v: &mut Violations,
    raw: Option<&pb::ProposalStreetProblem>,
    kind: Option<ProposalKind>,
    district: Option<&DistrictCode>,
) -> Option<Option<StreetProblem>> {
    let Some(raw) = raw else {
        return Some(None);
    };
    if kind == Some(ProposalKind::Proposal) {
        v.add(
            "street_problem",
            "only a complaint can be about a street problem",
        );
        return None;
    }
    let grid = if raw.grid.trim().is_empty() {
        v.add("street_problem.grid", "required");
        None
    } else {
        district.and_then(|d| {
            v.check(
                "street_problem.grid",
                Divisions::embedded().unit_grid_in(&raw.grid, d),
            )
        })
    };
    let category = v.text("street_problem.category", &raw.category, MAX_CATEGORY_CHARS);
    let location = raw.location.clone().unwrap_or_default();
    let address = v.optional_text(
        "street_problem.location.address",
        &location.address,
        MAX_ADDRESS_CHARS,
    );
    let latitude = coordinate(
        v,
        "street_problem.location.latitude",
        location.latitude,
        90.0,
    );
    let longitude = coordinate(
        v,
        "street_problem.location.longitude",
        location.longitude,
        180.0,
    );
    Some(Some(StreetProblem {
        grid: grid?.as_str().to_owned(),
        category: category?,
        address: address?,
        latitude: latitude?,
        longitude: longitude?,
    }))
}

pub fn raise(request: &pb::RaiseProposalRequest) -> Result<RaiseProposal, ApiError> {
    let mut v = Violations::default();
    v.request_id(&request.request_id);
    let district = v.district(&request.district);
    let resident_id = v.resident_id(&request.resident_id);
    let kind = kind(&mut v, request.kind);
    let title = v.text("title", &request.title, MAX_TITLE_CHARS);
    let body = long_text(&mut v, "body", &request.body, MAX_TEXT_CHARS);
    let community = v.community(&request.community, district.as_ref());
    let problem = street_problem(
        &mut v,
        request.street_problem.as_ref(),
        kind,
        district.as_ref(),
    );
    v.finish()?;
    match (district, resident_id, kind, title, body, community, problem) {
        (
            Some(district),
            Some(resident_id),
            Some(kind),
            Some(title),
            Some(body),
            Some(community),
            Some(street_problem),
        ) => Ok(RaiseProposal {
            district,
            resident_id,
            kind,
            title,
            body,
            community,
            street_problem,
        }),
        _ => Err(missing()),
    }
}

pub fn owner(v: &mut Violations, raw: Option<&pb::ProposalOwner>) -> Option<Owner> {
    let Some(raw) = raw else {
        v.add("owner", "required");
        return None;
    };
    let kind = match ProposalOwnerKind::try_from(raw.kind) {
        Ok(ProposalOwnerKind::Unspecified) | Err(_) => {
            v.add(
                "owner.kind",
                "required: PROPOSAL_OWNER_KIND_UNIT, _WORKER or _COMMITTEE",
            );
            None
        }
        Ok(kind) => Some(kind),
    };
    let id = v.text("owner.id", &raw.id, MAX_OWNER_ID_CHARS);
    Some(Owner {
        kind: kind?,
        id: id?,
    })
}

pub fn deadline(v: &mut Violations, raw: &str) -> Option<DateTime<Utc>> {
    if raw.trim().is_empty() {
        v.add("deadline", "required");
        return None;
    }
    v.check(
        "deadline",
        DateTime::parse_from_rfc3339(raw)
            .map(|time| time.with_timezone(&Utc))
            .map_err(|_| "must be an RFC 3339 time with offset, e.g. 2026-03-04T16:00:00+08:00"),
    )
}

pub fn filter(
    v: &mut Violations,
    request: &pb::ListProposalsRequest,
    district: Option<&DistrictCode>,
) -> Option<ProposalFilter> {
    let community = if request.community.is_empty() {
        Some(None)
    } else {
        v.community(&request.community, district)
            .map(|c| Some(c.as_str().to_owned()))
    };
    let kind = match ProposalKind::try_from(request.kind) {
        Ok(ProposalKind::Unspecified) => Some(None),
        Ok(kind) => Some(Some(kind)),
        Err(_) => {
            v.add("kind", "not a proposal kind");
            None
        }
    };
    let status = match pb::ProposalStatus::try_from(request.status) {
        Ok(pb::ProposalStatus::Unspecified) => Some(None),
        Ok(status) => Some(Some(status)),
        Err(_) => {
            v.add("status", "not a proposal status");
            None
        }
    };
    Some(ProposalFilter {
        community: community?,
        kind: kind?,
        status: status?,
        overdue_only: request.overdue_only,
    })
}

fn party((kind, id): (i32, String)) -> pb::ProposalOwner {
    pb::ProposalOwner { kind, id }
}

/// The item as a message; `show_raiser` false blanks the raising resident.
pub fn proposal(view: ProposalView, show_raiser: bool) -> pb::Proposal {
    pb::Proposal {
        proposal_id: view.proposal_id,
        district: view.district,
        community: view.community,
        kind: view.kind,
        title: view.title,
        body: view.body,
        raised_by: if show_raiser {
            view.raised_by
        } else {
            String::new()
        },
        raised_at: view.raised_at,
        street_problem: view.street_problem.map(|p| pb::ProposalStreetProblem {
            grid: p.grid,
            category: p.category,
            location: Some(pb::ProposalLocation {
                address: p.address,
                latitude: p.latitude,
                longitude: p.longitude,
            }),
        }),
        status: view.status.into(),
        owner: view.owner.map(party),
        deadline: view.deadline,
        support_count: view.support_count,
        answer: view.answer,
        answered_by: view.answered_by.map(party),
        answered_by_admin: view.answered_by_admin,
        answered_at: view.answered_at,
        closed_at: view.closed_at,
        overdue: view.overdue,
        grid_case_id: view.grid_case_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn fields(error: ApiError) -> Vec<String> {
        error
            .field_violations()
            .iter()
            .map(|f| f.field.clone())
            .collect()
    }

    fn complaint() -> pb::RaiseProposalRequest {
        pb::RaiseProposalRequest {
            request_id: "r-1".into(),
            district: "500108".into(),
            resident_id: Uuid::from_u128(1).to_string(),
            kind: ProposalKind::Complaint as i32,
            title: "路灯不亮".into(),
            body: "小区门口的路灯坏了一周".into(),
            community: "500108001002".into(),
            street_problem: Some(pb::ProposalStreetProblem {
                grid: "500108001002003".into(),
                category: "路灯".into(),
                location: Some(pb::ProposalLocation {
                    address: "铜元局街道1号".into(),
                    latitude: 29.55,
                    longitude: 106.55,
                }),
            }),
        }
    }

    #[test]
    fn a_valid_complaint_carries_its_street_problem() {
        let raise = raise(&complaint()).unwrap_or_else(|e| panic!("valid: {e:?}"));
        assert_eq!(
            raise.street_problem.map(|p| p.grid),
            Some("500108001002003".to_owned())
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut request = complaint();
        request.request_id = String::new();
        request.kind = 0;
        request.title = "  ".into();
        request.street_problem = Some(pb::ProposalStreetProblem {
            grid: "500103001002003".into(),
            category: String::new(),
            location: Some(pb::ProposalLocation {
                address: String::new(),
                latitude: 91.0,
                longitude: 0.0,
            }),
        });
        let error = raise(&request).err().unwrap_or_else(|| panic!("refused"));
        assert_eq!(
            fields(error),
            vec![
                "request_id",
                "kind",
                "title",
                "street_problem.grid",
                "street_problem.category",
                "street_problem.location.latitude"
            ]
        );
    }

    #[test]
    fn a_proposal_cannot_carry_a_street_problem() {
        let mut request = complaint();
        request.kind = ProposalKind::Proposal as i32;
        let error = raise(&request).err().unwrap_or_else(|| panic!("refused"));
        assert_eq!(fields(error), vec!["street_problem"]);
    }

    #[test]
    fn a_body_may_have_several_lines_but_no_other_control_characters() {
        let mut request = complaint();
        request.body = "第一行\r\n第二行\t完".into();
        assert!(raise(&request).is_ok());
        request.body = "响铃\u{7}".into();
        let error = raise(&request).err().unwrap_or_else(|| panic!("refused"));
        assert_eq!(fields(error), vec!["body"]);
    }

    #[test]
    fn a_deadline_needs_an_offset() {
        let mut v = Violations::default();
        assert!(deadline(&mut v, "2026-03-04T16:00:00+08:00").is_some());
        assert!(deadline(&mut v, "2026-03-04 16:00").is_none());
        assert!(deadline(&mut v, "").is_none());
        assert_eq!(
            v.finish().err().map(fields),
            Some(vec!["deadline".to_owned(), "deadline".to_owned()])
        );
    }
}
