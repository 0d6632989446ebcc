//! Unified social credit code of organisations, GB 32100-2015: 18 characters
//! from a 31-symbol alphabet (digits and capitals without I, O, S, V, Z) =
//! registering authority + entity type + 6-digit region + 9-character
//! organisation code + check character (weighted sum modulo 31).
//!
//! Organisation codes are public, so this type has the usual `Display`.
//! Lowercase input is normalised to uppercase.

use std::fmt;

pub const SOCIAL_CREDIT_CODE_LEN: usize = 18;
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocialCreditCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SocialCreditCodeErrorKind {
    WrongLength,
    BadCharacter,
    WrongCheckCharacter,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SocialCreditCodeError {
    #[error("social credit code must have {SOCIAL_CREDIT_CODE_LEN} characters, got {0}")]
    WrongLength(usize),
    #[error(
        "social credit code character {position} must be a digit or a capital letter other than I, O, S, V, Z, position counted from 1"
    )]
    BadCharacter { position: usize },
    #[error("social credit code check character should be {expected}")]
    WrongCheckCharacter { expected: char },
}

impl SocialCreditCodeError {
    pub fn kind(&self) -> SocialCreditCodeErrorKind {
        match self {
            Self::WrongLength(_) => SocialCreditCodeErrorKind::WrongLength,
            Self::BadCharacter { .. } => SocialCreditCodeErrorKind::BadCharacter,
            Self::WrongCheckCharacter { .. } => SocialCreditCodeErrorKind::WrongCheckCharacter,
        }
    }
}

impl SocialCreditCode {
    pub fn parse(raw: &str) -> Result<Self, SocialCreditCodeError> {
        let length = raw.chars().count();
        if length != SOCIAL_CREDIT_CODE_LEN {
            return Err(SocialCreditCodeError::WrongLength(length));
        }
        let normalised = raw.to_ascii_uppercase();
        let mut values = [0u32; SOCIAL_CREDIT_CODE_LEN];
        for (index, character) in normalised.chars().enumerate() {
            values[index] =
                alphabet_value(character).ok_or(SocialCreditCodeError::BadCharacter {
                    position: index + 1,
                })?;
        }
        let expected = check_char_of_values(&values[..17]);
        if char::from(normalised.as_bytes()[17]) != expected {
            return Err(SocialCreditCodeError::WrongCheckCharacter { expected });
        }
        Ok(Self(normalised))
    }

    /// The check character for the first 17 characters of a code, or `None`
    /// unless `body` is exactly 17 characters of the alphabet.
    pub fn check_char(body: &str) -> Option<char> {
        if body.chars().count() != SOCIAL_CREDIT_CODE_LEN - 1 {
            return None;
        }
        let values: Option<Vec<u32>> = body.chars().map(alphabet_value).collect();
        Some(check_char_of_values(&values?))
    }

    /// The registering authority: `1` organisation codes, `5` civil affairs,
    /// `9` market regulation, `Y` others...
    pub fn registering_authority(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SocialCreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn alphabet_value(character: char) -> Option<u32> {
    let byte = u8::try_from(character).ok()?;
    let index = ALPHABET.iter().position(|&symbol| symbol == byte)?;
    u32::try_from(index).ok()
}

fn check_char_of_values(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    char::from(ALPHABET[check as usize])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a panic is how a test fails")]
#[path = "social_credit_code_tests.rs"]
mod tests;
