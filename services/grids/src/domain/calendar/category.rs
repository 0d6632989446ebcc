//! Case categories and urgency.
//!
//! A category is written `"<kind>/<major>/<minor>"`, kind `component` (部件)
//! or `event` (事件), major and minor two ASCII digits each, e.g.
//! `"component/01/02"`. Values are valid by construction; serde uses the
//! same text form.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// 部件: a physical facility (manhole cover, street light, bench).
    Component,
    /// 事件: a situation or behaviour (litter, illegal advertising).
    Event,
}

impl CategoryKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Component => "component",
            Self::Event => "event",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, CategoryError> {
        match raw {
            "component" => Ok(Self::Component),
            "event" => Ok(Self::Event),
            _ => Err(CategoryError::UnknownKind(raw.to_owned())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    Urgent,
    VeryUrgent,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseCategory {
    kind: CategoryKind,
    major: String,
    minor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CategoryError {
    #[error("category {0:?} must look like kind/major/minor, e.g. component/01/02")]
    WrongShape(String),
    #[error("category kind {0:?} must be component or event")]
    UnknownKind(String),
    #[error("category code {0:?} must be two ascii digits")]
    BadCode(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryErrorKind {
    WrongShape,
    UnknownKind,
    BadCode,
}

impl CategoryError {
    pub fn kind(&self) -> CategoryErrorKind {
        match self {
            Self::WrongShape(_) => CategoryErrorKind::WrongShape,
            Self::UnknownKind(_) => CategoryErrorKind::UnknownKind,
            Self::BadCode(_) => CategoryErrorKind::BadCode,
        }
    }
}

impl CaseCategory {
    pub fn new(kind: CategoryKind, major: &str, minor: &str) -> Result<Self, CategoryError> {
        Ok(Self {
            kind,
            major: parse_code(major)?,
            minor: parse_code(minor)?,
        })
    }

    pub fn parse(raw: &str) -> Result<Self, CategoryError> {
        let parts: Vec<&str> = raw.split('/').collect();
        let [kind, major, minor] = parts[..] else {
            return Err(CategoryError::WrongShape(raw.to_owned()));
        };
        Self::new(CategoryKind::parse(kind)?, major, minor)
    }

    pub fn kind(&self) -> CategoryKind {
        self.kind
    }

    pub fn major(&self) -> &str {
        &self.major
    }

    pub fn minor(&self) -> &str {
        &self.minor
    }
}

/// Two ASCII digits; shared with the catalogue and time-limit scopes.
pub(super) fn parse_code(raw: &str) -> Result<String, CategoryError> {
    if raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(raw.to_owned());
    }
    Err(CategoryError::BadCode(raw.to_owned()))
}

impl fmt::Display for CaseCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.kind.as_str(), self.major, self.minor)
    }
}

impl FromStr for CaseCategory {
    type Err = CategoryError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl TryFrom<String> for CaseCategory {
    type Error = CategoryError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<CaseCategory> for String {
    fn from(category: CaseCategory) -> Self {
        category.to_string()
    }
}
