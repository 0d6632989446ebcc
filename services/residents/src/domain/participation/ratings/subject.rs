//! What is rated, with its id in one canonical spelling, and the rating id
//! derived from who rates what: one rating per rater per subject is a
//! property of the stream name, not a check against a read model.

use super::RatingSubjectKind;
use gongzhi_kernel::{SocialCreditCode, SocialCreditCodeError};
use uuid::Uuid;

/// Namespace of rating ids (a fixed random v4): the id of a rating is UUID
/// v5 over the rater, the subject kind and the subject id.
pub const RATING_NAMESPACE: Uuid = Uuid::from_u128(0x3148_b74b_6b4d_4b82_b54f_48eb_214a_f840);

/// A subject that can be rated: a case, a service or a facility by its UUID
/// (lowercase, hyphenated), a property company by its unified social credit
/// code (uppercase). The canonical spelling matters: two spellings of one
/// subject must give one rating id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingSubject {
    kind: RatingSubjectKind,
    id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectIdError {
    #[error("a subject kind is required")]
    KindRequired,
    #[error("required")]
    Required,
    #[error("must be the UUID of the {0}")]
    NotUuid(&'static str),
    #[error("must be the property company's unified social credit code: {0}")]
    NotSocialCreditCode(SocialCreditCodeError),
}

impl RatingSubject {
    pub fn parse(kind: RatingSubjectKind, raw: &str) -> Result<Self, SubjectIdError> {
        let raw = raw.trim();
        if kind == RatingSubjectKind::Unspecified {
            return Err(SubjectIdError::KindRequired);
        }
        if raw.is_empty() {
            return Err(SubjectIdError::Required);
        }
        let id = match kind {
            RatingSubjectKind::Unspecified => return Err(SubjectIdError::KindRequired),
            RatingSubjectKind::Case => uuid(raw, "case")?,
            RatingSubjectKind::Service => uuid(raw, "service")?,
            RatingSubjectKind::Facility => uuid(raw, "facility")?,
            RatingSubjectKind::PropertyCompany => SocialCreditCode::parse(raw)
                .map_err(SubjectIdError::NotSocialCreditCode)?
                .as_str()
                .to_owned(),
        };
        Ok(Self { kind, id })
    }

    pub fn kind(&self) -> RatingSubjectKind {
        self.kind
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id of `rater`'s rating of this subject: the same on every try, so
    /// a second rating meets the first one's stream and is refused there.
    pub fn rating_id(&self, rater: Uuid) -> Uuid {
        // Neither part contains a newline, so they cannot run together.
        let name = format!("{rater}\n{}\n{}", self.kind.as_str_name(), self.id);
        Uuid::new_v5(&RATING_NAMESPACE, name.as_bytes())
    }
}

fn uuid(raw: &str, what: &'static str) -> Result<String, SubjectIdError> {
    Uuid::parse_str(raw)
        .map(|id| id.to_string())
        .map_err(|_| SubjectIdError::NotUuid(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "6f1c2a4e-93b7-4c1d-a0e5-7d2b9c841f36";
    const COMPANY: &str = "91350100M000100Y43";

    fn parse(kind: RatingSubjectKind, raw: &str) -> Result<RatingSubject, SubjectIdError> {
        RatingSubject::parse(kind, raw)
    }

    #[test]
    fn uuids_and_credit_codes_are_spelled_one_way() -> Result<(), SubjectIdError> {
        let case = parse(
            RatingSubjectKind::Case,
            &format!(" {} ", CASE.to_uppercase()),
        )?;
        assert_eq!(case.id(), CASE);
        let simple = parse(RatingSubjectKind::Facility, &CASE.replace('-', ""))?;
        assert_eq!(simple.id(), CASE);
        let company = parse(RatingSubjectKind::PropertyCompany, &COMPANY.to_lowercase())?;
        assert_eq!(company.id(), COMPANY);
        Ok(())
    }

    #[test]
    fn each_kind_refuses_the_wrong_kind_of_id() {
        assert_eq!(
            parse(RatingSubjectKind::Case, COMPANY),
            Err(SubjectIdError::NotUuid("case"))
        );
        assert_eq!(
            parse(RatingSubjectKind::Service, "svc-1"),
            Err(SubjectIdError::NotUuid("service"))
        );
        assert!(matches!(
            parse(RatingSubjectKind::PropertyCompany, CASE),
            Err(SubjectIdError::NotSocialCreditCode(_))
        ));
        assert_eq!(
            parse(RatingSubjectKind::Unspecified, CASE),
            Err(SubjectIdError::KindRequired)
        );
        assert_eq!(
            parse(RatingSubjectKind::Case, "  "),
            Err(SubjectIdError::Required)
        );
    }

    #[test]
    fn the_rating_id_depends_on_rater_kind_and_subject_only() -> Result<(), SubjectIdError> {
        let rater = Uuid::from_u128(1);
        let other_rater = Uuid::from_u128(2);
        let case = parse(RatingSubjectKind::Case, CASE)?;
        let same_case = parse(RatingSubjectKind::Case, &CASE.to_uppercase())?;
        let facility = parse(RatingSubjectKind::Facility, CASE)?;
        assert_eq!(case.rating_id(rater), same_case.rating_id(rater));
        assert_ne!(case.rating_id(rater), case.rating_id(other_rater));
        assert_ne!(case.rating_id(rater), facility.rating_id(rater));
        Ok(())
    }
}
