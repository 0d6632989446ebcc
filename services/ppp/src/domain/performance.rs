//! Scoring a period's performance from its KPIs.
//!
//! Contract: a score is in basis points, 0 to 10000, computed with integer
//! arithmetic and rounded down. Per KPI:
//! - availability and service level: measured percent (in basis points) at
//!   or above the target scores in full, below it in proportion
//!   (measured / target);
//! - response time: at or under the target minutes in full, over it
//!   target / measured;
//! - satisfaction: the residents' average rating (sum of stars / count, a
//!   fraction kept exact) against the target in hundredths of a star, in
//!   proportion, full at or above the target; no ratings in the period
//!   scores in full (nobody complained through this channel);
//! - grid cases about the facility: up to the target in full, then 1000
//!   basis points lost per case over it, down to zero.
//!
//! The period score is the weighted mean (weights add up to 100). A KPI
//! scoring under half (5000) is a performance failure.

use gongzhi_proto::gongzhi::ppp::v1::KpiKind;

pub const FULL: u32 = 10_000;
pub const FAILURE_BELOW: u32 = 5_000;
pub const POINTS_PER_EXTRA_CASE: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiDefinition {
    pub kpi_id: String,
    pub kind: KpiKind,
    pub weight: u32,
    pub target: u64,
    /// What the contract says the KPI measures, in words; may be empty.
    pub description: String,
}

/// What was measured in a period for one KPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measurement {
    /// Availability or service level, basis points of the period.
    Percent(u64),
    /// Average response time, minutes.
    Minutes(u64),
    /// Residents' ratings of the facility in the period.
    Ratings { count: u64, star_sum: u64 },
    /// Grid cases about the facility in the period.
    Cases(u64),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KpiError {
    #[error("KPI weights add up to {0}, not 100")]
    Weights(u32),
    #[error("KPI {0} has no kind")]
    NoKind(String),
    #[error("KPI {0} appears twice")]
    Duplicate(String),
    #[error("KPI {0} needs a target above zero")]
    ZeroTarget(String),
    #[error("no measurement for KPI {0}")]
    Missing(String),
    #[error("the measurement of KPI {0} does not fit its kind")]
    WrongMeasurement(String),
}

impl KpiError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Weights(_) => "KPI_WEIGHTS_NOT_100",
            Self::NoKind(_) => "KPI_KIND_REQUIRED",
            Self::Duplicate(_) => "KPI_DUPLICATE",
            Self::ZeroTarget(_) => "KPI_TARGET_ZERO",
            Self::Missing(_) => "KPI_MEASUREMENT_MISSING",
            Self::WrongMeasurement(_) => "KPI_MEASUREMENT_WRONG_KIND",
        }
    }
}

pub fn check_definitions(kpis: &[KpiDefinition]) -> Result<(), KpiError> {
    let mut seen = std::collections::BTreeSet::new();
    for kpi in kpis {
        if kpi.kind == KpiKind::Unspecified {
            return Err(KpiError::NoKind(kpi.kpi_id.clone()));
        }
        if !seen.insert(kpi.kpi_id.as_str()) {
            return Err(KpiError::Duplicate(kpi.kpi_id.clone()));
        }
        // A grid-case target of zero means "no case at all is fine"; every
        // other target is a positive level.
        if kpi.target == 0 && kpi.kind != KpiKind::GridCases {
            return Err(KpiError::ZeroTarget(kpi.kpi_id.clone()));
        }
    }
    let weights: u32 = kpis.iter().map(|k| k.weight).sum();
    if weights != 100 {
        return Err(KpiError::Weights(weights));
    }
    Ok(())
}

fn proportion(part: u128, whole: u128) -> u32 {
    if whole == 0 || part >= whole {
        return FULL;
    }
    // part < whole, so the result is below FULL and fits.
    u32::try_from(part * u128::from(FULL) / whole).unwrap_or(FULL)
}

/// One KPI's score in basis points.
pub fn kpi_score(kpi: &KpiDefinition, measured: Measurement) -> Result<u32, KpiError> {
    let wrong = || KpiError::WrongMeasurement(kpi.kpi_id.clone());
    let target = u128::from(kpi.target);
    Ok(match (kpi.kind, measured) {
        (KpiKind::Availability | KpiKind::ServiceLevel, Measurement::Percent(value)) => {
            proportion(u128::from(value), target)
        }
        (KpiKind::ResponseTime, Measurement::Minutes(minutes)) => {
            if u128::from(minutes) <= target {
                FULL
            } else {
                proportion(target, u128::from(minutes))
            }
        }
        (KpiKind::Satisfaction, Measurement::Ratings { count, star_sum }) => {
            if count == 0 {
                FULL
            } else {
                // average (stars) = star_sum / count; target in hundredths:
                // score = (star_sum * 100 / count) / target, kept exact.
                proportion(u128::from(star_sum) * 100, target * u128::from(count))
            }
        }
        (KpiKind::GridCases, Measurement::Cases(cases)) => {
            let extra = cases.saturating_sub(kpi.target);
            let lost = u128::from(extra) * u128::from(POINTS_PER_EXTRA_CASE);
            u32::try_from(u128::from(FULL).saturating_sub(lost)).unwrap_or(0)
        }
        _ => return Err(wrong()),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodScore {
    /// (kpi id, score) in the order of the definitions.
    pub kpis: Vec<(String, u32)>,
    pub score: u32,
    /// KPIs scoring under [`FAILURE_BELOW`].
    pub failures: Vec<String>,
}

/// Scores a period: every KPI needs its measurement.
pub fn period_score(
    kpis: &[KpiDefinition],
    measured: &std::collections::BTreeMap<String, Measurement>,
) -> Result<PeriodScore, KpiError> {
    let mut scores = Vec::new();
    let mut weighted: u64 = 0;
    let mut failures = Vec::new();
    for kpi in kpis {
        let value = measured
            .get(&kpi.kpi_id)
            .ok_or_else(|| KpiError::Missing(kpi.kpi_id.clone()))?;
        let score = kpi_score(kpi, *value)?;
        weighted += u64::from(score) * u64::from(kpi.weight);
        if score < FAILURE_BELOW {
            failures.push(kpi.kpi_id.clone());
        }
        scores.push((kpi.kpi_id.clone(), score));
    }
    Ok(PeriodScore {
        kpis: scores,
        // Weights add up to 100, so this is at most FULL.
        score: u32::try_from(weighted / 100).unwrap_or(FULL),
        failures,
    })
}

#[cfg(test)]
mod tests;
