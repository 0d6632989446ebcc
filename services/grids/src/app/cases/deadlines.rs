//! Deadlines on the district's working calendar for a case's category and
//! urgency, counted from the time the stage starts.

use super::CaseAppError;
use crate::app::config::DistrictConfig;
use crate::domain::calendar::{CaseCategory, Stage, Urgency};
use crate::domain::case::{CaseDeadlines, CaseFacts};
use chrono::{DateTime, Utc};

pub(super) struct Timing<'a> {
    config: &'a DistrictConfig,
    category: CaseCategory,
    urgency: Urgency,
}

impl<'a> Timing<'a> {
    pub(super) fn new(
        config: &'a DistrictConfig,
        category: &str,
        urgency: crate::domain::case::CaseUrgency,
    ) -> Result<Self, CaseAppError> {
        let category = CaseCategory::parse(category)
            .map_err(|_| CaseAppError::UnknownCategory(category.to_owned()))?;
        // A case reported before the urgency was required reads as normal.
        let urgency = Urgency::from_proto(urgency).unwrap_or(Urgency::Normal);
        Ok(Self {
            config,
            category,
            urgency,
        })
    }

    pub(super) fn of(
        facts: &'a CaseFacts,
        config: &'a DistrictConfig,
    ) -> Result<Self, CaseAppError> {
        Self::new(config, &facts.category, facts.urgency)
    }

    pub(super) fn deadline(
        &self,
        stage: Stage,
        from: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, CaseAppError> {
        let Some(limit) = self
            .config
            .time_limits
            .limit(&self.category, self.urgency, stage)
        else {
            return Ok(None);
        };
        Ok(Some(self.config.calendar.add_working_hours(from, limit)?))
    }

    /// The deadlines set on registration (and on resuming).
    pub(super) fn registration(&self, from: DateTime<Utc>) -> Result<CaseDeadlines, CaseAppError> {
        let handle_by = self
            .deadline(Stage::Handle, from)?
            .ok_or_else(|| CaseAppError::NoHandleLimit(self.category.to_string()))?;
        Ok(CaseDeadlines {
            dispatch_by: self.deadline(Stage::Dispatch, from)?,
            handle_by,
            close_by: self.deadline(Stage::Close, from)?,
        })
    }
}
