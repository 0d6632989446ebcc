//! Mainland phone numbers: a mobile number (11 digits, `1[3-9]` then 9 digits)
//! or a landline with its area code and one dash (`023-12345678`: area code
//! `0` + 2 or 3 digits, local number of 7 or 8 digits not starting with 0).
//!
//! A phone number is personal data: no `Display`, no `Serialize`, and `Debug`
//! prints the masked form (`138****5678`, `023-****5678`).

use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhoneNumberErrorKind {
    BadCharacter,
    WrongShape,
}

/// Messages never quote the number: they end up in logs and gRPC details.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error(
        "phone number character {position} must be a digit or the dash after the area code, position counted from 1"
    )]
    BadCharacter { position: usize },
    #[error(
        "phone number must be an 11-digit mobile number starting 13 to 19, or a landline with area code such as 023-12345678"
    )]
    WrongShape,
}

impl PhoneNumberError {
    pub fn kind(&self) -> PhoneNumberErrorKind {
        match self {
            Self::BadCharacter { .. } => PhoneNumberErrorKind::BadCharacter,
            Self::WrongShape => PhoneNumberErrorKind::WrongShape,
        }
    }
}

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, PhoneNumberError> {
        if let Some(index) = raw.chars().position(|c| !(c.is_ascii_digit() || c == '-')) {
            return Err(PhoneNumberError::BadCharacter {
                position: index + 1,
            });
        }
        if is_mobile(raw) || is_landline(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(PhoneNumberError::WrongShape)
        }
    }

    pub fn is_mobile(&self) -> bool {
        !self.0.contains('-')
    }

    /// Mobile: first 3 and last 4 digits kept. Landline: area code and last 4.
    pub fn masked(&self) -> String {
        let last_four = &self.0[self.0.len() - 4..];
        match self.0.split_once('-') {
            Some((area_code, _)) => format!("{area_code}-****{last_four}"),
            None => format!("{}****{last_four}", &self.0[..3]),
        }
    }

    /// The number in clear. Callers decide where it may go (encrypted, hashed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PhoneNumber").field(&self.masked()).finish()
    }
}

fn is_mobile(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
}

fn is_landline(raw: &str) -> bool {
    let Some((area_code, local)) = raw.split_once('-') else {
        return false;
    };
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let area_ok = (3..=4).contains(&area_code.len())
        && all_digits(area_code)
        && area_code.starts_with('0')
        && !area_code.starts_with("00");
    let local_ok = (7..=8).contains(&local.len()) && all_digits(local) && !local.starts_with('0');
    area_ok && local_ok
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a panic is how a test fails")]
#[path = "phone_number_tests.rs"]
mod tests;
