//! An owner linked to a registered resident. The property context learns of
//! residents only from the residents context's events, so the link is
//! checked against what it has learnt so far: a resident it has not heard
//! of may simply not have arrived yet, which the refusal says so the client
//! can retry after the registration's position.

/// Where a resident stands, as the residents context's events tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidentStanding {
    /// No event of this resident in the district has arrived.
    NotKnown,
    /// Registered and living in the district.
    Registered,
    /// Moved out of the district since registering.
    MovedAway,
    /// Personal data erased; only the id remains.
    Erased,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerLinkError {
    #[error(
        "resident {0} is not known in this district (yet): the property context learns of residents \
         from the residents context's events; retry with resident_min_position set to the \
         registration's position"
    )]
    NotKnown(String),
    #[error("resident {0} has moved out of the district and cannot be linked as an owner")]
    MovedAway(String),
    #[error("resident {0}'s data was erased; the id cannot be linked as an owner")]
    Erased(String),
}

impl OwnerLinkError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotKnown(_) => "RESIDENT_NOT_KNOWN",
            Self::MovedAway(_) => "RESIDENT_MOVED_AWAY",
            Self::Erased(_) => "RESIDENT_ERASED",
        }
    }
}

/// A unit may name resident `resident_id` as its owner only while that
/// resident is registered and living in the estate's district.
pub fn check_owner_link(
    resident_id: &str,
    standing: ResidentStanding,
) -> Result<(), OwnerLinkError> {
    match standing {
        ResidentStanding::Registered => Ok(()),
        ResidentStanding::NotKnown => Err(OwnerLinkError::NotKnown(resident_id.to_owned())),
        ResidentStanding::MovedAway => Err(OwnerLinkError::MovedAway(resident_id.to_owned())),
        ResidentStanding::Erased => Err(OwnerLinkError::Erased(resident_id.to_owned())),
    }
}

/// The standing from a known-residents row: erasure wins over any move.
pub fn standing(row: Option<(bool, bool)>) -> ResidentStanding {
    match row {
        None => ResidentStanding::NotKnown,
        Some((_, true)) => ResidentStanding::Erased,
        Some((true, false)) => ResidentStanding::MovedAway,
        Some((false, false)) => ResidentStanding::Registered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_registered_resident_living_here_is_linked() {
        assert_eq!(check_owner_link("r", ResidentStanding::Registered), Ok(()));
        let refusals = [
            (ResidentStanding::NotKnown, "RESIDENT_NOT_KNOWN"),
            (ResidentStanding::MovedAway, "RESIDENT_MOVED_AWAY"),
            (ResidentStanding::Erased, "RESIDENT_ERASED"),
        ];
        for (standing, reason) in refusals {
            let refused = check_owner_link("r-1", standing).err();
            assert_eq!(refused.as_ref().map(OwnerLinkError::reason), Some(reason));
            assert!(refused.is_some_and(|e| e.to_string().contains("r-1")));
        }
    }

    #[test]
    fn the_refusal_of_an_unknown_resident_tells_how_to_retry() {
        let refused = check_owner_link("r", ResidentStanding::NotKnown).err();
        assert!(refused.is_some_and(|e| e.to_string().contains("resident_min_position")));
    }

    #[test]
    fn erasure_wins_over_moves() {
        assert_eq!(standing(None), ResidentStanding::NotKnown);
        assert_eq!(standing(Some((false, false))), ResidentStanding::Registered);
        assert_eq!(standing(Some((true, false))), ResidentStanding::MovedAway);
        assert_eq!(standing(Some((true, true))), ResidentStanding::Erased);
        assert_eq!(standing(Some((false, true))), ResidentStanding::Erased);
    }
}
