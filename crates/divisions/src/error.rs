//! Errors of division codes given as input, and of the embedded tables.

use std::fmt;

/// The levels of the hierarchy, each with the length of its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Province,
    City,
    District,
    Street,
    Community,
    UnitGrid,
}

impl Level {
    /// Number of ASCII digits in a code of this level.
    pub fn code_len(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::District => 6,
            Self::Street => 9,
            Self::Community => 12,
            Self::UnitGrid => 15,
        }
    }

    pub fn parent(self) -> Option<Level> {
        match self {
            Self::Province => None,
            Self::City => Some(Self::Province),
            Self::District => Some(Self::City),
            Self::Street => Some(Self::District),
            Self::Community => Some(Self::Street),
            Self::UnitGrid => Some(Self::Community),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Province => "province",
            Self::City => "city",
            Self::District => "district",
            Self::Street => "street",
            Self::Community => "community",
            Self::UnitGrid => "unit grid",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DivisionErrorKind {
    Malformed,
    UnknownCode,
    NotCovered,
    ParentMismatch,
}

/// A code given as input that is not a real division (or not one we ship).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DivisionError {
    #[error("{level} code must be {} ascii digits, got {raw:?}", level.code_len())]
    Malformed { level: Level, raw: String },
    #[error("unit grid sequence must be 001 to 999, got {raw:?}")]
    BadGridSequence { raw: String },
    #[error("unknown {level} code {code}")]
    UnknownCode { level: Level, code: String },
    #[error("streets and communities of district {district} are not in the shipped division table")]
    NotCovered { district: String },
    #[error("{level} {code} is not under {parent_level} {expected_parent}")]
    ParentMismatch {
        level: Level,
        code: String,
        parent_level: Level,
        expected_parent: String,
    },
}

impl DivisionError {
    pub fn kind(&self) -> DivisionErrorKind {
        match self {
            Self::Malformed { .. } | Self::BadGridSequence { .. } => DivisionErrorKind::Malformed,
            Self::UnknownCode { .. } => DivisionErrorKind::UnknownCode,
            Self::NotCovered { .. } => DivisionErrorKind::NotCovered,
            Self::ParentMismatch { .. } => DivisionErrorKind::ParentMismatch,
        }
    }

    /// Input is quoted in messages, so it is clipped: a caller could send megabytes.
    pub(crate) fn malformed(level: Level, raw: &str) -> Self {
        Self::Malformed {
            level,
            raw: raw.chars().take(32).collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableErrorKind {
    MissingHeader,
    MalformedLine,
    UnknownParent,
    Duplicate,
    NotCovered,
    UnknownCoveredDistrict,
}

/// A division table that does not hold together. The embedded tables are
/// checked by tests, so this is for tables loaded from elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("{table} table must start with the header line `code<TAB>name<TAB>parent`")]
    MissingHeader { table: Level },
    #[error("{table} table line {line}: {problem}")]
    MalformedLine {
        table: Level,
        line: usize,
        problem: &'static str,
    },
    #[error("{table} {code} has parent {parent}, which is not in the table one level up")]
    UnknownParent {
        table: Level,
        code: String,
        parent: String,
    },
    #[error("{table} table holds code {code} twice")]
    Duplicate { table: Level, code: String },
    #[error("covered district {district} is not in the district table")]
    UnknownCoveredDistrict { district: String },
    #[error("{table} {code} belongs to district {district}, which is not listed as covered")]
    NotCovered {
        table: Level,
        code: String,
        district: String,
    },
}

impl TableError {
    pub fn kind(&self) -> TableErrorKind {
        match self {
            Self::MissingHeader { .. } => TableErrorKind::MissingHeader,
            Self::MalformedLine { .. } => TableErrorKind::MalformedLine,
            Self::UnknownParent { .. } => TableErrorKind::UnknownParent,
            Self::Duplicate { .. } => TableErrorKind::Duplicate,
            Self::NotCovered { .. } => TableErrorKind::NotCovered,
            Self::UnknownCoveredDistrict { .. } => TableErrorKind::UnknownCoveredDistrict,
        }
    }
}
