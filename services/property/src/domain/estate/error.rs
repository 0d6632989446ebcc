//! Why an estate command is refused, with stable reason codes.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EstateError {
    #[error("estate already exists")]
    AlreadyExists,
    #[error("estate not found")]
    NotFound,
    #[error("estate belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("building {0} already exists")]
    BuildingExists(String),
    #[error("building {0} not found")]
    BuildingNotFound(String),
    #[error("unit {0} already exists")]
    UnitExists(String),
    #[error("unit {0} not found")]
    UnitNotFound(String),
    #[error("unit {0} needs a register, surveyed or contract area above zero")]
    NoArea(String),
    #[error("unit {0} is already delivered")]
    AlreadyDelivered(String),
    #[error("unit {0} is not delivered yet")]
    NotDelivered(String),
    #[error("unit {unit} already belongs to {owner}")]
    SameOwner { unit: String, owner: String },
    #[error("\"developer\" is reserved for unsold units and cannot be an owner id")]
    ReservedOwnerId,
    #[error("the estate is not eligible for a first assembly yet")]
    NotEligible,
    #[error("the preparatory group is already formed")]
    PreparatoryGroupExists,
    #[error(transparent)]
    PreparatoryGroup(#[from] crate::domain::first_assembly::PreparatoryGroupError),
}

impl EstateError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "ESTATE_ALREADY_EXISTS",
            Self::NotFound => "ESTATE_NOT_FOUND",
            Self::WrongDistrict { .. } => "ESTATE_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::Required { .. } => "ESTATE_FIELD_REQUIRED",
            Self::BuildingExists(_) => "BUILDING_ALREADY_EXISTS",
            Self::BuildingNotFound(_) => "BUILDING_NOT_FOUND",
            Self::UnitExists(_) => "UNIT_ALREADY_EXISTS",
            Self::UnitNotFound(_) => "UNIT_NOT_FOUND",
            Self::NoArea(_) => "UNIT_AREA_REQUIRED",
            Self::AlreadyDelivered(_) => "UNIT_ALREADY_DELIVERED",
            Self::NotDelivered(_) => "UNIT_NOT_DELIVERED",
            Self::SameOwner { .. } => "UNIT_SAME_OWNER",
            Self::ReservedOwnerId => "OWNER_ID_RESERVED",
            Self::NotEligible => "FIRST_ASSEMBLY_NOT_ELIGIBLE",
            Self::PreparatoryGroupExists => "PREPARATORY_GROUP_EXISTS",
            Self::PreparatoryGroup(crate::domain::first_assembly::PreparatoryGroupError::Size(
                _,
            )) => "PREPARATORY_GROUP_SIZE",
            Self::PreparatoryGroup(_) => "PREPARATORY_GROUP_NOT_LED_BY_STREET_OFFICE",
        }
    }

    /// Not found and wrong district both read as "not found" outside.
    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}
