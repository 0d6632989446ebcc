//! Field violations collected over a whole request, so a caller fixes a form
//! in one round trip: every problem becomes one `google.rpc.BadRequest`
//! field violation, all returned together by [`Violations::finish`].
//! Services wrap it (Deref) to add their own field parsers.

use crate::command::validate_request_id;
use crate::error::{ApiError, FieldViolation};
use gongzhi_divisions::Divisions;
use gongzhi_kernel::{DistrictCode, SocialCreditCode};
use std::fmt::Display;
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    pub fn add(&mut self, field: &str, description: impl Display) {
        self.0
            .push(FieldViolation::new(field, description.to_string()));
    }

    /// The value, or `None` with the error recorded against `field`.
    pub fn check<T, E: Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.add(field, e)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid_argument(self.0))
        }
    }

    pub fn request_id(&mut self, raw: &str) {
        if let Err(error) = validate_request_id(raw) {
            self.0.extend(error.field_violations().iter().cloned());
        }
    }

    /// A district that exists in the national division table.
    pub fn district(&mut self, raw: &str) -> Option<DistrictCode> {
        self.check("district", Divisions::embedded().district_code(raw))
    }

    /// A unified social credit code (GB 32100), its check character
    /// verified; the canonical uppercase text.
    pub fn social_credit_code(&mut self, field: &str, raw: &str) -> Option<String> {
        self.check(field, SocialCreditCode::parse(raw.trim()))
            .map(|code| code.as_str().to_owned())
    }

    pub fn uuid(&mut self, field: &str, raw: &str) -> Option<Uuid> {
        self.check(field, Uuid::parse_str(raw).map_err(|_| "must be a UUID"))
    }

    /// Required text: trimmed, non-empty, at most `max_chars`, no control characters.
    pub fn text(&mut self, field: &str, raw: &str, max_chars: usize) -> Option<String> {
        if raw.trim().is_empty() {
            self.add(field, "required");
            return None;
        }
        self.optional_text(field, raw, max_chars)
    }

    /// Like [`Self::text`], but empty is allowed.
    pub fn optional_text(&mut self, field: &str, raw: &str, max_chars: usize) -> Option<String> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars > max_chars {
            self.add(
                field,
                format!("must be at most {max_chars} characters, got {chars}"),
            );
            return None;
        }
        if trimmed.chars().any(char::is_control) {
            self.add(field, "must not contain control characters");
            return None;
        }
        Some(trimmed.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_together() {
        let mut v = Violations::default();
        v.request_id("");
        assert_eq!(v.district("999999"), None);
        assert_eq!(v.text("name", "  ", 10), None);
        assert_eq!(v.text("title", "abcdef", 3), None);
        assert_eq!(v.text("body", "a\u{0}b", 10), None);
        assert_eq!(v.optional_text("note", "", 10), Some(String::new()));
        assert_eq!(v.uuid("id", "nope"), None);
        assert_eq!(
            v.social_credit_code("company_id", " 91350100m000100y43 "),
            Some("91350100M000100Y43".to_owned())
        );
        assert_eq!(
            v.social_credit_code("partner_id", "91350100M000100Y44"),
            None
        );
        let fields: Vec<String> = match v.finish() {
            Err(error) => error
                .field_violations()
                .iter()
                .map(|f| f.field.clone())
                .collect(),
            Ok(()) => Vec::new(),
        };
        assert_eq!(
            fields,
            vec![
                "request_id",
                "district",
                "name",
                "title",
                "body",
                "id",
                "partner_id"
            ]
        );
    }
}
