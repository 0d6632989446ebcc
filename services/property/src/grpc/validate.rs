//! Field parsers of this context over the shared [`Violations`]: every bad
//! field of a request is reported at once, nothing is written.

use crate::app::management::Vote;
use crate::domain::area::Area;
use crate::domain::management::Terms;
use chrono::NaiveDate;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::{ApiError, Violations};

/// Ids chosen by clients (units, buildings, matters) and free references.
pub const ID_MAX_CHARS: usize = 64;
pub const NAME_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 2000;

/// Answer for a request whose violations were recorded but a value is
/// missing anyway (never reached: `finish` fails first).
pub fn incomplete() -> tonic::Status {
    ApiError::invalid_argument(Vec::new()).into()
}

pub trait PropertyFields {
    fn date(&mut self, field: &str, raw: &str) -> Option<NaiveDate>;
    /// Empty means "today" to the application.
    fn optional_date(&mut self, field: &str, raw: &str) -> Option<Option<NaiveDate>>;
    /// Empty means "not known".
    fn optional_area(&mut self, field: &str, raw: &str) -> Option<Option<Area>>;
    fn area(&mut self, field: &str, raw: &str) -> Option<Area>;
    fn id(&mut self, field: &str, raw: &str) -> Option<String>;
    fn amount(&mut self, field: &str, fen: u64) -> Option<u64>;
    fn vote(&mut self, field: &str, vote: Option<&pb::VoteReference>) -> Option<Vote>;
    fn terms(&mut self, field: &str, terms: Option<&pb::ContractTerms>) -> Option<Terms>;
    fn enum_value<T: TryFrom<i32> + PartialEq + Copy>(
        &mut self,
        field: &str,
        raw: i32,
        unspecified: T,
    ) -> Option<T>;
}

impl PropertyFields for Violations {
    fn date(&mut self, field: &str, raw: &str) -> Option<NaiveDate> {
        if raw.trim().is_empty() {
            self.add(field, "required: an ISO 8601 date like 2026-03-01");
            return None;
        }
        self.check(
            field,
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| format!("{raw:?} is not an ISO 8601 date like 2026-03-01")),
        )
    }

    fn optional_date(&mut self, field: &str, raw: &str) -> Option<Option<NaiveDate>> {
        if raw.is_empty() {
            return Some(None);
        }
        self.date(field, raw).map(Some)
    }

    fn optional_area(&mut self, field: &str, raw: &str) -> Option<Option<Area>> {
        if raw.is_empty() {
            return Some(None);
        }
        self.check(field, Area::parse(raw)).map(Some)
    }

    fn area(&mut self, field: &str, raw: &str) -> Option<Area> {
        if raw.is_empty() {
            self.add(field, "required: square metres with at most two decimals");
            return None;
        }
        let area = self.check(field, Area::parse(raw))?;
        if area.is_zero() {
            self.add(field, "must be above zero");
            return None;
        }
        Some(area)
    }

    fn id(&mut self, field: &str, raw: &str) -> Option<String> {
        self.text(field, raw, ID_MAX_CHARS)
    }

    fn amount(&mut self, field: &str, fen: u64) -> Option<u64> {
        if fen == 0 {
            self.add(field, "must be above zero (whole fen)");
            return None;
        }
        // Read models keep fen as signed 64-bit numbers.
        if i64::try_from(fen).is_err() {
            self.add(field, "is too large");
            return None;
        }
        Some(fen)
    }

    fn vote(&mut self, field: &str, vote: Option<&pb::VoteReference>) -> Option<Vote> {
        let Some(vote) = vote else {
            self.add(
                field,
                "required: the assembly and matter of the passed vote",
            );
            return None;
        };
        let assembly_id = self.uuid(&format!("{field}.assembly_id"), &vote.assembly_id);
        let matter_id = self.id(&format!("{field}.matter_id"), &vote.matter_id);
        Some(Vote {
            assembly_id: assembly_id?,
            matter_id: matter_id?,
        })
    }

    fn terms(&mut self, field: &str, terms: Option<&pb::ContractTerms>) -> Option<Terms> {
        let Some(t) = terms else {
            self.add(field, "required: scope, quality, fee and term");
            return None;
        };
        let scope = self.text(&format!("{field}.scope"), &t.scope, TEXT_MAX_CHARS);
        let quality = self.text(&format!("{field}.quality"), &t.quality, NAME_MAX_CHARS);
        let fee = self.amount(
            &format!("{field}.monthly_fee_per_square_metre_fen"),
            t.monthly_fee_per_square_metre_fen,
        );
        let starts_on = self.date(&format!("{field}.starts_on"), &t.starts_on);
        let ends_on = self.date(&format!("{field}.ends_on"), &t.ends_on);
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && start >= end
        {
            self.add(&format!("{field}.ends_on"), "must be after starts_on");
            return None;
        }
        let liabilities = self.optional_text(
            &format!("{field}.liabilities"),
            &t.liabilities,
            TEXT_MAX_CHARS,
        );
        Some(Terms {
            scope: scope?,
            quality: quality?,
            monthly_fee_per_square_metre_fen: fee?,
            starts_on: starts_on?,
            ends_on: ends_on?,
            liabilities: liabilities?,
        })
    }

    fn enum_value<T: TryFrom<i32> + PartialEq + Copy>(
        &mut self,
        field: &str,
        raw: i32,
        unspecified: T,
    ) -> Option<T> {
        match T::try_from(raw) {
            Ok(value) if value != unspecified => Some(value),
            Ok(_) => {
                self.add(field, "required");
                None
            }
            Err(_) => {
                self.add(field, format!("{raw} is not a known value"));
                None
            }
        }
    }
}
