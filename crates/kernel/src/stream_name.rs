//! Stream names follow EventStoreDB: `<category>-<id>`. The category is the
//! text before the first `-`, so ids may themselves contain dashes (UUIDs).

use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_STREAM_NAME_LEN: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamName {
    full: String,
    category_len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamNameError {
    #[error("stream name {0:?} must be <category>-<id>")]
    MissingSeparator(String),
    #[error(
        "stream category {0:?} must be lowercase ascii letters, digits or '_' and start with a letter"
    )]
    BadCategory(String),
    #[error("stream id in {0:?} must be non-empty printable ascii without spaces")]
    BadId(String),
    #[error("stream name is longer than {MAX_STREAM_NAME_LEN} bytes")]
    TooLong,
}

impl StreamName {
    pub fn parse(raw: &str) -> Result<Self, StreamNameError> {
        if raw.len() > MAX_STREAM_NAME_LEN {
            return Err(StreamNameError::TooLong);
        }
        let Some((category, id)) = raw.split_once('-') else {
            return Err(StreamNameError::MissingSeparator(raw.to_owned()));
        };
        Self::check_category(category)?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(StreamNameError::BadId(raw.to_owned()));
        }
        Ok(Self {
            full: raw.to_owned(),
            category_len: category.len(),
        })
    }

    /// Builds `<category>-<id>` from its parts, checking both.
    pub fn new(category: &str, id: impl fmt::Display) -> Result<Self, StreamNameError> {
        Self::parse(&format!("{category}-{id}"))
    }

    pub fn check_category(category: &str) -> Result<(), StreamNameError> {
        let mut bytes = category.bytes();
        let starts_with_letter = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
        let rest_ok = bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if starts_with_letter && rest_ok {
            Ok(())
        } else {
            Err(StreamNameError::BadCategory(category.to_owned()))
        }
    }

    pub fn category(&self) -> &str {
        &self.full[..self.category_len]
    }

    pub fn id(&self) -> &str {
        &self.full[self.category_len + 1..]
    }

    pub fn as_str(&self) -> &str {
        &self.full
    }
}

impl TryFrom<String> for StreamName {
    type Error = StreamNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<StreamName> for String {
    fn from(value: StreamName) -> Self {
        value.full
    }
}

impl fmt::Display for StreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_first_dash() -> Result<(), StreamNameError> {
        let name = StreamName::parse("resident-0190f1c2-aaaa-7bbb")?;
        assert_eq!(name.category(), "resident");
        assert_eq!(name.id(), "0190f1c2-aaaa-7bbb");
        Ok(())
    }

    #[test]
    fn refuses_malformed_names() {
        for bad in [
            "resident",
            "-x",
            "Resident-1",
            "res ident-1",
            "resident-",
            "1res-2",
            "r-a b",
        ] {
            assert!(StreamName::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
