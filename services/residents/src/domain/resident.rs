use super::ResidentEvent;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;

/// A personal field already encrypted under the resident's data key. The
/// domain only moves it around; it cannot read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(pub Vec<u8>);

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

impl From<Sealed> for pb::SealedValue {
    fn from(sealed: Sealed) -> Self {
        Self {
            ciphertext: sealed.0,
        }
    }
}

/// Where a resident lives: community (12 digits), optional unit grid (15),
/// and the sealed dwelling address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub community: String,
    pub grid: Option<String>,
    pub dwelling: Sealed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResidentCommand {
    Register {
        resident_id: String,
        district: DistrictCode,
        placement: Placement,
        residency: pb::Residency,
        sex: pb::Sex,
        birth_year: u32,
        name: Sealed,
        id_number: Sealed,
        phone: Option<Sealed>,
        id_number_hash: String,
    },
    MoveOut {
        district: DistrictCode,
        reason: String,
    },
    MoveIn {
        district: DistrictCode,
        placement: Placement,
    },
    ChangeDwelling {
        district: DistrictCode,
        placement: Placement,
    },
    UpdateContactDetails {
        district: DistrictCode,
        phone: Sealed,
    },
    SetNeedsTags {
        district: DistrictCode,
        tags: Sealed,
    },
    EraseData {
        district: DistrictCode,
        by: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ResidentState {
    #[default]
    Absent,
    Present {
        resident_id: String,
        district: String,
        community: String,
        moved_out: bool,
        erased: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidentError {
    #[error("resident already registered")]
    AlreadyRegistered,
    #[error("resident not found")]
    NotFound,
    #[error("resident belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("unit grid {grid} is not in community {community}")]
    GridOutsideCommunity { grid: String, community: String },
    #[error("resident has moved out")]
    MovedOut,
    #[error("resident still lives in the district; move out first")]
    NotMovedOut,
    #[error("resident's personal data was erased; no new personal data may be recorded")]
    Erased,
}

impl ResidentError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyRegistered => "RESIDENT_ALREADY_REGISTERED",
            Self::NotFound => "RESIDENT_NOT_FOUND",
            Self::WrongDistrict { .. } => "RESIDENT_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::GridOutsideCommunity { .. } => "GRID_OUTSIDE_COMMUNITY",
            Self::MovedOut => "RESIDENT_MOVED_OUT",
            Self::NotMovedOut => "RESIDENT_NOT_MOVED_OUT",
            Self::Erased => "RESIDENT_DATA_ERASED",
        }
    }
}

pub struct Resident;

fn check_placement(district: &DistrictCode, placement: &Placement) -> Result<(), ResidentError> {
    if !placement.community.starts_with(district.as_str()) {
        return Err(ResidentError::CommunityOutsideDistrict {
            community: placement.community.clone(),
            district: district.to_string(),
        });
    }
    if let Some(grid) = &placement.grid
        && !grid.starts_with(&placement.community)
    {
        return Err(ResidentError::GridOutsideCommunity {
            grid: grid.clone(),
            community: placement.community.clone(),
        });
    }
    Ok(())
}

/// The living, non-erased resident a command acts on, in the caller's district.
fn present<'a>(
    state: &'a ResidentState,
    district: &DistrictCode,
) -> Result<(&'a str, &'a str, bool, bool), ResidentError> {
    match state {
        ResidentState::Absent => Err(ResidentError::NotFound),
        ResidentState::Present {
            resident_id,
            district: actual,
            community,
            moved_out,
            erased,
        } => {
            if actual != district.as_str() {
                return Err(ResidentError::WrongDistrict {
                    given: district.to_string(),
                    actual: actual.clone(),
                });
            }
            Ok((resident_id, community, *moved_out, *erased))
        }
    }
}

fn living<'a>(
    state: &'a ResidentState,
    district: &DistrictCode,
) -> Result<(&'a str, &'a str), ResidentError> {
    let (resident_id, community, moved_out, erased) = present(state, district)?;
    if erased {
        return Err(ResidentError::Erased);
    }
    if moved_out {
        return Err(ResidentError::MovedOut);
    }
    Ok((resident_id, community))
}

impl Decider for Resident {
    type State = ResidentState;
    type Command = ResidentCommand;
    type Event = ResidentEvent;
    type Error = ResidentError;

    fn decide(
        state: &ResidentState,
        command: ResidentCommand,
    ) -> Result<Vec<ResidentEvent>, ResidentError> {
        let event = match command {
            ResidentCommand::Register {
                resident_id,
                district,
                placement,
                residency,
                sex,
                birth_year,
                name,
                id_number,
                phone,
                id_number_hash,
            } => {
                if *state != ResidentState::Absent {
                    return Err(ResidentError::AlreadyRegistered);
                }
                check_placement(&district, &placement)?;
                ResidentEvent::Registered(pb::ResidentRegistered {
                    resident_id,
                    district: district.to_string(),
                    community: placement.community,
                    grid: placement.grid.unwrap_or_default(),
                    residency: residency.into(),
                    sex: sex.into(),
                    birth_year,
                    name: Some(name.into()),
                    id_number: Some(id_number.into()),
                    phone: phone.map(Into::into),
                    dwelling: Some(placement.dwelling.into()),
                    id_number_hash,
                })
            }
            ResidentCommand::MoveOut { district, reason } => {
                let (resident_id, community, moved_out, _) = present(state, &district)?;
                if moved_out {
                    return Err(ResidentError::MovedOut);
                }
                ResidentEvent::MovedOut(pb::ResidentMovedOut {
                    resident_id: resident_id.to_owned(),
                    district: district.to_string(),
                    community: community.to_owned(),
                    reason,
                })
            }
            ResidentCommand::MoveIn {
                district,
                placement,
            } => {
                let (resident_id, _, moved_out, erased) = present(state, &district)?;
                if erased {
                    return Err(ResidentError::Erased);
                }
                if !moved_out {
                    return Err(ResidentError::NotMovedOut);
                }
                check_placement(&district, &placement)?;
                ResidentEvent::MovedIn(pb::ResidentMovedIn {
                    resident_id: resident_id.to_owned(),
                    district: district.to_string(),
                    community: placement.community,
                    grid: placement.grid.unwrap_or_default(),
                    dwelling: Some(placement.dwelling.into()),
                })
            }
            ResidentCommand::ChangeDwelling {
                district,
                placement,
            } => {
                let (resident_id, from_community) = living(state, &district)?;
                check_placement(&district, &placement)?;
                ResidentEvent::DwellingChanged(pb::DwellingChanged {
                    resident_id: resident_id.to_owned(),
                    district: district.to_string(),
                    from_community: from_community.to_owned(),
                    community: placement.community,
                    grid: placement.grid.unwrap_or_default(),
                    dwelling: Some(placement.dwelling.into()),
                })
            }
            ResidentCommand::UpdateContactDetails { district, phone } => {
                let (resident_id, _) = living(state, &district)?;
                ResidentEvent::ContactDetailsUpdated(pb::ContactDetailsUpdated {
                    resident_id: resident_id.to_owned(),
                    district: district.to_string(),
                    phone: Some(phone.into()),
                })
            }
            ResidentCommand::SetNeedsTags { district, tags } => {
                let (resident_id, community) = living(state, &district)?;
                ResidentEvent::NeedsTagsChanged(pb::NeedsTagsChanged {
                    resident_id: resident_id.to_owned(),
                    district: district.to_string(),
                    community: community.to_owned(),
                    tags: Some(tags.into()),
                })
            }
            ResidentCommand::EraseData { district, by } => {
                let (resident_id, _, _, erased) = present(state, &district)?;
                if erased {
                    // Erasing twice changes nothing: no event, no error.
                    return Ok(Vec::new());
                }
                ResidentEvent::DataErased(pb::ResidentDataErased {
                    resident_id: resident_id.to_owned(),
                    district: district.to_string(),
                    erased_by: by,
                })
            }
        };
        Ok(vec![event])
    }

    fn evolve(state: ResidentState, event: &ResidentEvent) -> ResidentState {
        match (state, event) {
            (ResidentState::Absent, ResidentEvent::Registered(e)) => ResidentState::Present {
                resident_id: e.resident_id.clone(),
                district: e.district.clone(),
                community: e.community.clone(),
                moved_out: false,
                erased: false,
            },
            (
                ResidentState::Present {
                    resident_id,
                    district,
                    erased,
                    ..
                },
                ResidentEvent::MovedOut(e),
            ) => ResidentState::Present {
                resident_id,
                district,
                community: e.community.clone(),
                moved_out: true,
                erased,
            },
            (
                ResidentState::Present {
                    resident_id,
                    district,
                    erased,
                    ..
                },
                ResidentEvent::MovedIn(e),
            ) => ResidentState::Present {
                resident_id,
                district,
                community: e.community.clone(),
                moved_out: false,
                erased,
            },
            (
                ResidentState::Present {
                    resident_id,
                    district,
                    moved_out,
                    erased,
                    ..
                },
                ResidentEvent::DwellingChanged(e),
            ) => ResidentState::Present {
                resident_id,
                district,
                community: e.community.clone(),
                moved_out,
                erased,
            },
            (
                ResidentState::Present {
                    resident_id,
                    district,
                    community,
                    moved_out,
                    ..
                },
                ResidentEvent::DataErased(_),
            ) => ResidentState::Present {
                resident_id,
                district,
                community,
                moved_out,
                erased: true,
            },
            (state, _) => state,
        }
    }
}

#[cfg(test)]
#[path = "resident_tests.rs"]
mod tests;
