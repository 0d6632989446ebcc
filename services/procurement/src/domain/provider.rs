//! A provider as a pure decider over stream `provider-<uuid>`: registered
//! once per district by its unified social credit code (GB 32100, check
//! character verified by [`SocialCreditCode`]), with a kind and its
//! qualifications.
//!
//! Contract: a category-1 public institution (公益一类事业单位) is never a
//! provider (政府购买服务管理办法, 财政部令第102号, art. 8) and is refused on
//! registration; the kind must be named. History of contracts and
//! evaluations is read from purchase events by the read model, not kept
//! here.

use super::text::{blank, time};
use chrono::{DateTime, Utc};
use gongzhi_kernel::{Decider, DistrictCode, SocialCreditCode};
use gongzhi_proto::gongzhi::procurement::v1 as pb;

pub use pb::ProviderKind;

pub const NAME_MAX_CHARS: usize = 200;
pub const QUALIFICATIONS_MAX: usize = 50;

gongzhi_kernel::proto_events! {
    /// Stream `provider-<uuid>`.
    pub enum ProviderEvent in "gongzhi.procurement.v1" from pb {
        Registered(ProviderRegistered),
        QualificationsUpdated(ProviderQualificationsUpdated),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProviderCommand {
    Register {
        provider_id: String,
        district: DistrictCode,
        code: SocialCreditCode,
        name: String,
        kind: ProviderKind,
        qualifications: Vec<String>,
        contact: String,
        at: DateTime<Utc>,
    },
    UpdateQualifications {
        district: DistrictCode,
        qualifications: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum ProviderState {
    #[default]
    Absent,
    Present(ProviderFacts),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderFacts {
    pub provider_id: String,
    pub district: String,
    pub code: String,
    pub name: String,
    pub kind: ProviderKind,
    pub qualifications: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("a provider with this social credit code is already registered")]
    AlreadyRegistered,
    #[error("provider not found")]
    NotFound,
    #[error("provider belongs to another district")]
    WrongDistrict,
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("a category-1 public institution cannot be a provider of purchased services")]
    CategoryOnePublicInstitution,
    #[error("a qualification must not be empty")]
    EmptyQualification,
}

impl ProviderError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyRegistered => "PROVIDER_ALREADY_REGISTERED",
            Self::NotFound => "PROVIDER_NOT_FOUND",
            Self::WrongDistrict => "PROVIDER_WRONG_DISTRICT",
            Self::Required { .. } => "PROVIDER_FIELD_REQUIRED",
            Self::CategoryOnePublicInstitution => "PROVIDER_CATEGORY_ONE_PUBLIC_INSTITUTION",
            Self::EmptyQualification => "PROVIDER_QUALIFICATION_EMPTY",
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict)
    }
}

pub struct Provider;

fn check_qualifications(qualifications: &[String]) -> Result<(), ProviderError> {
    if qualifications.iter().any(|q| blank(q)) {
        return Err(ProviderError::EmptyQualification);
    }
    Ok(())
}

impl Decider for Provider {
    type State = ProviderState;
    type Command = ProviderCommand;
    type Event = ProviderEvent;
    type Error = ProviderError;

    fn decide(
        state: &ProviderState,
        command: ProviderCommand,
    ) -> Result<Vec<ProviderEvent>, ProviderError> {
        match command {
            ProviderCommand::Register {
                provider_id,
                district,
                code,
                name,
                kind,
                qualifications,
                contact,
                at,
            } => {
                if matches!(state, ProviderState::Present(_)) {
                    return Err(ProviderError::AlreadyRegistered);
                }
                if blank(&name) {
                    return Err(ProviderError::Required { field: "name" });
                }
                match kind {
                    ProviderKind::Unspecified => {
                        return Err(ProviderError::Required { field: "kind" });
                    }
                    ProviderKind::PublicInstitutionCategory1 => {
                        return Err(ProviderError::CategoryOnePublicInstitution);
                    }
                    _ => {}
                }
                check_qualifications(&qualifications)?;
                Ok(vec![ProviderEvent::Registered(pb::ProviderRegistered {
                    provider_id,
                    district: district.to_string(),
                    social_credit_code: code.to_string(),
                    name,
                    kind: kind as i32,
                    qualifications,
                    contact,
                    registered_at: time(at),
                })])
            }
            ProviderCommand::UpdateQualifications {
                district,
                qualifications,
            } => {
                let ProviderState::Present(facts) = state else {
                    return Err(ProviderError::NotFound);
                };
                if facts.district != district.as_str() {
                    return Err(ProviderError::WrongDistrict);
                }
                check_qualifications(&qualifications)?;
                if facts.qualifications == qualifications {
                    return Ok(Vec::new());
                }
                Ok(vec![ProviderEvent::QualificationsUpdated(
                    pb::ProviderQualificationsUpdated {
                        provider_id: facts.provider_id.clone(),
                        district: facts.district.clone(),
                        qualifications,
                    },
                )])
            }
        }
    }

    fn evolve(state: ProviderState, event: &ProviderEvent) -> ProviderState {
        match (state, event) {
            (_, ProviderEvent::Registered(e)) => ProviderState::Present(ProviderFacts {
                provider_id: e.provider_id.clone(),
                district: e.district.clone(),
                code: e.social_credit_code.clone(),
                name: e.name.clone(),
                kind: ProviderKind::try_from(e.kind).unwrap_or(ProviderKind::Unspecified),
                qualifications: e.qualifications.clone(),
            }),
            (ProviderState::Present(mut facts), ProviderEvent::QualificationsUpdated(e)) => {
                facts.qualifications = e.qualifications.clone();
                ProviderState::Present(facts)
            }
            (state, ProviderEvent::QualificationsUpdated(_)) => state,
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
#[path = "provider_tests.rs"]
mod tests;
