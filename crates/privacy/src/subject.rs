//! Who personal data is about. A [`SubjectId`] is an opaque, non-personal
//! identifier (a resident's UUID, never an ID number or a name), so it may
//! appear in errors, logs and key rows. A [`Subject`] adds the district the
//! person belongs to, recorded with the key so one district cannot seal or
//! erase another district's people through this crate.

use gongzhi_kernel::DistrictCode;
use std::fmt;

/// Longest accepted subject id, in bytes.
pub const MAX_SUBJECT_ID_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubjectId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("subject id must be 1 to {MAX_SUBJECT_ID_LEN} visible ASCII characters")]
pub struct InvalidSubjectId;

impl SubjectId {
    /// Accepts 1..=128 visible ASCII characters: ids are opaque keys, and
    /// anything else (spaces, control or non-ASCII characters) suggests a
    /// name or a number was passed by mistake.
    pub fn parse(raw: &str) -> Result<Self, InvalidSubjectId> {
        let well_formed = !raw.is_empty()
            && raw.len() <= MAX_SUBJECT_ID_LEN
            && raw.bytes().all(|b| b.is_ascii_graphic());
        if well_formed {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidSubjectId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<uuid::Uuid> for SubjectId {
    fn from(id: uuid::Uuid) -> Self {
        Self(id.hyphenated().to_string())
    }
}

impl fmt::Display for SubjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A data subject and the district it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Subject {
    pub id: SubjectId,
    pub district: DistrictCode,
}

impl Subject {
    pub fn new(id: impl Into<SubjectId>, district: DistrictCode) -> Self {
        Self {
            id: id.into(),
            district,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_opaque_ascii_ids() {
        for good in ["01J9Z3", "resident-42", &"a".repeat(MAX_SUBJECT_ID_LEN)] {
            assert_eq!(
                SubjectId::parse(good).map(|s| s.to_string()),
                Ok(good.to_owned())
            );
        }
    }

    #[test]
    fn refuses_empty_long_spaced_or_non_ascii_ids() {
        let too_long = "a".repeat(MAX_SUBJECT_ID_LEN + 1);
        for bad in ["", "a b", "张三", "x\n", too_long.as_str()] {
            assert_eq!(SubjectId::parse(bad), Err(InvalidSubjectId), "{bad:?}");
        }
    }

    #[test]
    fn uuid_ids_are_hyphenated() {
        let id = uuid::Uuid::nil();
        assert_eq!(
            SubjectId::from(id).as_str(),
            "00000000-0000-0000-0000-000000000000"
        );
    }
}
