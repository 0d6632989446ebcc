//! Resident identity card number, GB 11643-1999: 6-digit region code, 8-digit
//! birth date `YYYYMMDD`, 3-digit sequence (odd for men, even for women) and a
//! check character over the first 17 digits (ISO 7064 MOD 11-2).
//!
//! The region is only checked to be digits: retired region codes stay valid on
//! cards issued before the change. The birth date must be a real calendar day,
//! not before 1900-01-01 and not after today in China (UTC+8).

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const RESIDENT_ID_LEN: usize = 18;
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentIdNumber {
    number: String,
    birth_date: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdNumberErrorKind {
    WrongLength,
    BadCharacter,
    ImpossibleBirthDate,
    WrongCheckDigit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BirthDateProblem {
    NotACalendarDate,
    InTheFuture,
    Before1900,
}

impl fmt::Display for BirthDateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotACalendarDate => "is not a calendar date",
            Self::InTheFuture => "is in the future",
            Self::Before1900 => "is before 1900",
        })
    }
}

/// Messages never quote the number: they end up in logs and gRPC details.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("id number must have {RESIDENT_ID_LEN} characters, got {0}")]
    WrongLength(usize),
    #[error(
        "id number character {position} must be a digit (or X in last place), position counted from 1"
    )]
    BadCharacter { position: usize },
    #[error("birth date in id number {0}")]
    ImpossibleBirthDate(BirthDateProblem),
    #[error("id number check character should be {expected}")]
    WrongCheckDigit { expected: char },
}

impl IdNumberError {
    pub fn kind(&self) -> IdNumberErrorKind {
        match self {
            Self::WrongLength(_) => IdNumberErrorKind::WrongLength,
            Self::BadCharacter { .. } => IdNumberErrorKind::BadCharacter,
            Self::ImpossibleBirthDate(_) => IdNumberErrorKind::ImpossibleBirthDate,
            Self::WrongCheckDigit { .. } => IdNumberErrorKind::WrongCheckDigit,
        }
    }
}

impl ResidentIdNumber {
    /// Parses against today's date in China; a lowercase `x` is normalised to `X`.
    pub fn parse(raw: &str) -> Result<Self, IdNumberError> {
        // China Standard Time (UTC+8, no daylight saving): a baby registered
        // at 07:00 in Chongqing is born "today", which is still yesterday in UTC.
        let today_in_china = (Utc::now() + TimeDelta::hours(8)).date_naive();
        Self::parse_on(raw, today_in_china)
    }

    /// Parses as if today were `today`, so tests do not depend on the clock.
    pub fn parse_on(raw: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let length = raw.chars().count();
        if length != RESIDENT_ID_LEN {
            return Err(IdNumberError::WrongLength(length));
        }
        for (index, character) in raw.chars().enumerate() {
            let last_place_x = index == RESIDENT_ID_LEN - 1 && matches!(character, 'x' | 'X');
            if !(character.is_ascii_digit() || last_place_x) {
                return Err(IdNumberError::BadCharacter {
                    position: index + 1,
                });
            }
        }
        let normalised = raw.to_ascii_uppercase();
        let bytes = normalised.as_bytes();
        let birth_date = check_birth_date(&normalised[6..14], today)?;
        let expected = check_char_of_digits(&bytes[..17]);
        if char::from(bytes[17]) != expected {
            return Err(IdNumberError::WrongCheckDigit { expected });
        }
        Ok(Self {
            number: normalised,
            birth_date,
        })
    }

    /// The check character for the first 17 characters of an ID number, or
    /// `None` unless `body` is exactly 17 ASCII digits.
    pub fn check_char(body: &str) -> Option<char> {
        if body.len() != RESIDENT_ID_LEN - 1 || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(check_char_of_digits(body.as_bytes()))
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    pub fn sex(&self) -> Sex {
        if self.number.as_bytes()[16] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    pub fn region_code(&self) -> &str {
        &self.number[..6]
    }

    /// First 6 and last 4 characters kept: `110105********002X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.number[..6], &self.number[14..])
    }

    /// The number in clear. Callers decide where it may go (encrypted, hashed).
    pub fn as_str(&self) -> &str {
        &self.number
    }
}

impl fmt::Debug for ResidentIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResidentIdNumber")
            .field(&self.masked())
            .finish()
    }
}

/// `digits` are ASCII digits, checked by the caller.
fn check_char_of_digits(digits: &[u8]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    char::from(CHECK_CHARS[(sum % 11) as usize])
}

fn parse_yyyymmdd(digits: &str) -> Option<NaiveDate> {
    let year = digits.get(..4)?.parse().ok()?;
    let month = digits.get(4..6)?.parse().ok()?;
    let day = digits.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn check_birth_date(digits: &str, today: NaiveDate) -> Result<NaiveDate, IdNumberError> {
    let date = parse_yyyymmdd(digits).ok_or(IdNumberError::ImpossibleBirthDate(
        BirthDateProblem::NotACalendarDate,
    ))?;
    if date.year() < 1900 {
        return Err(IdNumberError::ImpossibleBirthDate(
            BirthDateProblem::Before1900,
        ));
    }
    if date > today {
        return Err(IdNumberError::ImpossibleBirthDate(
            BirthDateProblem::InTheFuture,
        ));
    }
    Ok(date)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a panic is how a test fails")]
#[path = "resident_id_tests.rs"]
mod tests;
