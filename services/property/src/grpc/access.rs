//! Who may do what. A caller acts only in the districts its token lists,
//! unless it is city-wide: `city_admin` everywhere, `city_reader` reads
//! everywhere. Staff of the district (community, street, district roles)
//! record everything; an owner (role `owner`, token subject = owner id)
//! casts their own ballot and reads.

use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1::BallotChannel;
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller};

pub const COMMUNITY_WORKER: &str = "community_worker";
pub const STREET_OFFICER: &str = "street_officer";
pub const DISTRICT_ADMIN: &str = "district_admin";
pub const CITY_READER: &str = "city_reader";
pub const OWNER: &str = "owner";

pub const STAFF_ROLES: [&str; 3] = [COMMUNITY_WORKER, STREET_OFFICER, DISTRICT_ADMIN];

fn is_staff(caller: &Caller) -> bool {
    STAFF_ROLES.iter().any(|role| caller.has_role(role))
}

pub fn ensure_write(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !is_staff(caller) {
        return Err(ApiError::permission_denied(
            "recording property matters needs a community, street or district role",
        ));
    }
    caller.ensure_district(district)
}

/// The preparatory group is led by the street office.
pub fn ensure_street_office(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if !caller.has_role(STREET_OFFICER) && !caller.has_role(DISTRICT_ADMIN) {
        return Err(ApiError::permission_denied(
            "the preparatory group is formed by the street office: street_officer or district_admin",
        ));
    }
    caller.ensure_district(district)
}

/// A ballot is cast by the owner themselves (online) or recorded by staff
/// from a paper ballot (written), so the channel says how the owner voted
/// rather than what the sender claims; the event metadata keeps who sent it.
pub fn ensure_ballot(
    caller: &Caller,
    district: &DistrictCode,
    owner_id: &str,
    channel: BallotChannel,
) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) {
        return Ok(());
    }
    if is_staff(caller) {
        caller.ensure_district(district)?;
        if channel != BallotChannel::Written {
            return Err(ApiError::permission_denied(
                "staff record written (paper) ballots; an online ballot is cast by the owner themselves",
            ));
        }
        return Ok(());
    }
    if caller.has_role(OWNER) {
        caller.ensure_district(district)?;
        if caller.subject != owner_id {
            return Err(ApiError::permission_denied(
                "an owner casts only their own ballot",
            ));
        }
        if channel != BallotChannel::Online {
            return Err(ApiError::permission_denied(
                "an owner's own ballot is cast online; a written ballot is recorded by staff",
            ));
        }
        return Ok(());
    }
    Err(ApiError::permission_denied(
        "casting a ballot needs the owner role or a community, street or district role",
    ))
}

pub fn ensure_read(caller: &Caller, district: &DistrictCode) -> Result<(), ApiError> {
    if caller.has_role(CITY_ADMIN_ROLE) || caller.has_role(CITY_READER) {
        return Ok(());
    }
    if !is_staff(caller) && !caller.has_role(OWNER) {
        return Err(ApiError::permission_denied(
            "reading property matters needs the owner role or a community, street, district or city role",
        ));
    }
    caller.ensure_district(district)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(subject: &str, role: &str) -> Caller {
        Caller {
            subject: subject.to_owned(),
            roles: vec![role.to_owned()],
            districts: DistrictCode::parse("500108").into_iter().collect(),
        }
    }

    #[test]
    fn the_channel_follows_who_casts_the_ballot() {
        let Ok(district) = DistrictCode::parse("500108") else {
            panic!("a valid district code");
        };
        let owner = caller("owner-1", OWNER);
        let staff = caller("staff", COMMUNITY_WORKER);
        let cases = [
            (&owner, BallotChannel::Online, true),
            (&owner, BallotChannel::Written, false),
            (&staff, BallotChannel::Written, true),
            (&staff, BallotChannel::Online, false),
        ];
        for (who, channel, allowed) in cases {
            assert_eq!(
                ensure_ballot(who, &district, "owner-1", channel).is_ok(),
                allowed,
                "{} {channel:?}",
                who.subject
            );
        }
        assert!(ensure_ballot(&owner, &district, "owner-2", BallotChannel::Online).is_err());
    }
}
