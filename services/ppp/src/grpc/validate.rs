//! Field parsers for PPP requests, every problem recorded at once.

use crate::domain::money::Fen;
use crate::domain::payment::SchedulePeriod;
use crate::domain::performance::KpiDefinition;
use chrono::NaiveDate;
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use gongzhi_server::Violations;
use std::collections::BTreeMap;

pub const NAME_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 2000;

/// An ISO 8601 date; empty means `today`.
pub fn date(v: &mut Violations, field: &str, raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        return Some(today);
    }
    v.check(
        field,
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| "must be a date YYYY-MM-DD"),
    )
}

pub fn positive_fen(v: &mut Violations, field: &str, fen: u64) -> Option<Fen> {
    if fen == 0 {
        v.add(field, "must be above zero");
        return None;
    }
    Some(Fen(fen))
}

pub fn score(v: &mut Violations, field: &str, score: u32) -> Option<u32> {
    if score > 100 {
        v.add(field, format!("must be 0 to 100, got {score}"));
        return None;
    }
    Some(score)
}

pub fn model(v: &mut Violations, raw: i32) -> Option<pb::OperationModel> {
    match pb::OperationModel::try_from(raw) {
        Ok(pb::OperationModel::Unspecified) | Err(_) => {
            v.add("model", "required: BOT, TOT, ROT, BOO, O&M or MC");
            None
        }
        Ok(model) => Some(model),
    }
}

pub fn mechanism(v: &mut Violations, raw: i32) -> Option<pb::PaymentMechanism> {
    match pb::PaymentMechanism::try_from(raw) {
        Ok(pb::PaymentMechanism::Unspecified) | Err(_) => {
            v.add(
                "mechanism",
                "required: GOVERNMENT_PAYS, USER_PAYS or VIABILITY_GAP",
            );
            None
        }
        Ok(mechanism) => Some(mechanism),
    }
}

/// Years with amounts; a year given twice is refused.
pub fn years(
    v: &mut Violations,
    field: &str,
    raw: &[pb::YearAmount],
) -> Option<BTreeMap<i32, Fen>> {
    let mut years = BTreeMap::new();
    for entry in raw {
        if years.insert(entry.year, Fen(entry.amount_fen)).is_some() {
            v.add(field, format!("year {} appears twice", entry.year));
            return None;
        }
    }
    Some(years)
}

pub fn schedule(
    v: &mut Violations,
    raw: &[pb::SchedulePeriod],
) -> Option<BTreeMap<i32, SchedulePeriod>> {
    let mut periods = BTreeMap::new();
    for p in raw {
        let period = SchedulePeriod {
            fixed: Fen(p.fixed_fen),
            performance_linked: Fen(p.performance_linked_fen),
        };
        if periods.insert(p.period, period).is_some() {
            v.add("schedule", format!("period {} appears twice", p.period));
            return None;
        }
    }
    if periods.is_empty() {
        v.add("schedule", "required: at least one period");
        return None;
    }
    Some(periods)
}

pub fn kpis(v: &mut Violations, raw: &[pb::Kpi]) -> Option<Vec<KpiDefinition>> {
    let mut kpis = Vec::new();
    let mut ok = true;
    for (n, kpi) in raw.iter().enumerate() {
        if kpi.kpi_id.trim().is_empty() {
            v.add(&format!("kpis[{n}].kpi_id"), "required");
            ok = false;
        }
        let kind = pb::KpiKind::try_from(kpi.kind).unwrap_or(pb::KpiKind::Unspecified);
        if kind == pb::KpiKind::Unspecified {
            v.add(&format!("kpis[{n}].kind"), "required");
            ok = false;
        }
        let description = v.optional_text(
            &format!("kpis[{n}].description"),
            &kpi.description,
            TEXT_MAX_CHARS,
        );
        ok &= description.is_some();
        kpis.push(KpiDefinition {
            kpi_id: kpi.kpi_id.trim().to_owned(),
            kind,
            weight: kpi.weight,
            target: kpi.target,
            description: description.unwrap_or_default(),
        });
    }
    if kpis.is_empty() {
        v.add("kpis", "required: at least one KPI");
        ok = false;
    }
    ok.then_some(kpis)
}
