//! Per-district time limits, in working minutes, by category and urgency.
//!
//! Lookup contract: the most specific rule for the urgency wins, as a whole
//! record: a rule for the exact minor category, else one for its major
//! class, else one for any category, else `default`. A stage the winning
//! record leaves out has no limit.

use super::category::{CaseCategory, CategoryError, CategoryKind, Urgency, parse_code};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The stages of the closed loop that can carry a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// From report to registration (or rejection).
    Register,
    /// From registration to dispatch.
    Dispatch,
    /// From registration to the unit's feedback.
    Handle,
    /// From feedback to on-site verification.
    Verify,
    /// From registration to closing.
    Close,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Register,
        Stage::Dispatch,
        Stage::Handle,
        Stage::Verify,
        Stage::Close,
    ];
}

/// Working minutes allowed per stage; `None` means no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StageLimits {
    pub register_minutes: Option<u32>,
    pub dispatch_minutes: Option<u32>,
    pub handle_minutes: Option<u32>,
    pub verify_minutes: Option<u32>,
    pub close_minutes: Option<u32>,
}

impl StageLimits {
    /// Limits for the three stages most districts set; register and close
    /// are left without a limit.
    pub fn dispatch_handle_verify(dispatch: u32, handle: u32, verify: u32) -> Self {
        Self {
            dispatch_minutes: Some(dispatch),
            handle_minutes: Some(handle),
            verify_minutes: Some(verify),
            ..Self::default()
        }
    }

    pub fn minutes(&self, stage: Stage) -> Option<u32> {
        match stage {
            Stage::Register => self.register_minutes,
            Stage::Dispatch => self.dispatch_minutes,
            Stage::Handle => self.handle_minutes,
            Stage::Verify => self.verify_minutes,
            Stage::Close => self.close_minutes,
        }
    }

    /// Working time allowed for `stage`, to add on a [`super::WorkingCalendar`].
    pub fn limit(&self, stage: Stage) -> Option<Duration> {
        self.minutes(stage)
            .map(|minutes| Duration::minutes(i64::from(minutes)))
    }

    fn zero_stage(&self) -> Option<Stage> {
        Stage::ALL
            .into_iter()
            .find(|stage| self.minutes(*stage) == Some(0))
    }
}

/// `"event/05"` (a whole major class) or `"event/05/01"` (one minor class).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryScope {
    kind: CategoryKind,
    major: String,
    minor: Option<String>,
}

impl CategoryScope {
    pub fn parse(raw: &str) -> Result<Self, CategoryError> {
        let parts: Vec<&str> = raw.split('/').collect();
        match parts[..] {
            [kind, major] => Ok(Self {
                kind: CategoryKind::parse(kind)?,
                major: parse_code(major)?,
                minor: None,
            }),
            [kind, major, minor] => Ok(Self {
                kind: CategoryKind::parse(kind)?,
                major: parse_code(major)?,
                minor: Some(parse_code(minor)?),
            }),
            _ => Err(CategoryError::WrongShape(raw.to_owned())),
        }
    }
}

impl fmt::Display for CategoryScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.as_str(), self.major)?;
        match &self.minor {
            Some(minor) => write!(f, "/{minor}"),
            None => Ok(()),
        }
    }
}

impl TryFrom<String> for CategoryScope {
    type Error = CategoryError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<CategoryScope> for String {
    fn from(scope: CategoryScope) -> Self {
        scope.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitRule {
    /// `None` applies to every category of this urgency.
    #[serde(default)]
    pub category: Option<CategoryScope>,
    pub urgency: Urgency,
    pub limits: StageLimits,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimeLimitsConfig {
    pub default: StageLimits,
    pub rules: Vec<TimeLimitRule>,
}

/// Illustrative defaults, to be replaced by each district's rules: normal
/// cases get 1 working hour to dispatch, 2 working days (14 h) to handle,
/// 2 h to verify; urgent and very urgent cases are tighter.
impl Default for TimeLimitsConfig {
    fn default() -> Self {
        let any = |urgency, limits| TimeLimitRule {
            category: None,
            urgency,
            limits,
        };
        Self {
            default: StageLimits::dispatch_handle_verify(60, 14 * 60, 120),
            rules: vec![
                any(
                    Urgency::Urgent,
                    StageLimits::dispatch_handle_verify(30, 7 * 60, 60),
                ),
                any(
                    Urgency::VeryUrgent,
                    StageLimits::dispatch_handle_verify(15, 120, 30),
                ),
            ],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeLimitsError {
    #[error("more than one time limit rule for {scope} at urgency {urgency:?}")]
    DuplicateRule { scope: String, urgency: Urgency },
    #[error("time limit for {stage:?} in {scope} is zero minutes")]
    ZeroLimit { scope: String, stage: Stage },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLimitsErrorKind {
    DuplicateRule,
    ZeroLimit,
}

impl TimeLimitsError {
    pub fn kind(&self) -> TimeLimitsErrorKind {
        match self {
            Self::DuplicateRule { .. } => TimeLimitsErrorKind::DuplicateRule,
            Self::ZeroLimit { .. } => TimeLimitsErrorKind::ZeroLimit,
        }
    }
}

/// Validated time limits of one district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeLimits {
    default: StageLimits,
    rules: BTreeMap<(Option<CategoryScope>, Urgency), StageLimits>,
}

impl Default for TimeLimits {
    fn default() -> Self {
        Self::from_config(&TimeLimitsConfig::default())
            .expect("the illustrative default limits are valid, checked by time_limits_tests")
    }
}

impl TryFrom<TimeLimitsConfig> for TimeLimits {
    type Error = TimeLimitsError;

    fn try_from(config: TimeLimitsConfig) -> Result<Self, Self::Error> {
        Self::from_config(&config)
    }
}

impl TimeLimits {
    pub fn from_config(config: &TimeLimitsConfig) -> Result<Self, TimeLimitsError> {
        if let Some(stage) = config.default.zero_stage() {
            return Err(TimeLimitsError::ZeroLimit {
                scope: "default".to_owned(),
                stage,
            });
        }
        let mut rules = BTreeMap::new();
        for rule in &config.rules {
            let scope = rule
                .category
                .as_ref()
                .map_or_else(|| "any category".to_owned(), ToString::to_string);
            if let Some(stage) = rule.limits.zero_stage() {
                return Err(TimeLimitsError::ZeroLimit { scope, stage });
            }
            let key = (rule.category.clone(), rule.urgency);
            if rules.insert(key, rule.limits.clone()).is_some() {
                return Err(TimeLimitsError::DuplicateRule {
                    scope,
                    urgency: rule.urgency,
                });
            }
        }
        Ok(Self {
            default: config.default.clone(),
            rules,
        })
    }

    /// The winning record for a case, see the module contract.
    pub fn limits_for(&self, category: &CaseCategory, urgency: Urgency) -> &StageLimits {
        let major = CategoryScope {
            kind: category.kind(),
            major: category.major().to_owned(),
            minor: None,
        };
        let minor = CategoryScope {
            minor: Some(category.minor().to_owned()),
            ..major.clone()
        };
        [Some(minor), Some(major), None]
            .into_iter()
            .find_map(|scope| self.rules.get(&(scope, urgency)))
            .unwrap_or(&self.default)
    }

    pub fn limit(
        &self,
        category: &CaseCategory,
        urgency: Urgency,
        stage: Stage,
    ) -> Option<Duration> {
        self.limits_for(category, urgency).limit(stage)
    }
}
