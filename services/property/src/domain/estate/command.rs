use crate::domain::area::{Area, AreaBasis, UnitAreas};
use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_kernel::DistrictCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub unit_id: String,
    pub building_id: String,
    pub number: String,
    pub areas: UnitAreas,
}

/// Every command carries the caller's district; times are passed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EstateCommand {
    Register {
        estate_id: String,
        district: DistrictCode,
        /// 12-digit community code, checked against the code table by the caller.
        community: String,
        name: String,
        developer_id: String,
        at: DateTime<Utc>,
    },
    AddBuilding {
        district: DistrictCode,
        building_id: String,
        name: String,
    },
    AddUnit {
        district: DistrictCode,
        unit: NewUnit,
    },
    RecordArea {
        district: DistrictCode,
        unit_id: String,
        basis: AreaBasis,
        area: Area,
    },
    Deliver {
        district: DistrictCode,
        unit_id: String,
        owner_id: String,
        resident_id: Option<String>,
        on: NaiveDate,
    },
    Transfer {
        district: DistrictCode,
        unit_id: String,
        to_owner_id: String,
        to_resident_id: Option<String>,
        on: NaiveDate,
    },
    FormPreparatoryGroup {
        district: DistrictCode,
        /// Staff id of the street office lead.
        led_by: String,
        led_by_street_office: bool,
        /// (member id, role)
        members: Vec<(String, String)>,
        today: NaiveDate,
    },
}
