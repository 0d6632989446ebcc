use super::{CaseOutcome, CaseTotals, Rate, Satisfaction};

fn due(closed: bool, on_time: bool) -> CaseOutcome {
    CaseOutcome {
        due_to_close: true,
        closed,
        closed_on_time: on_time,
        ..CaseOutcome::default()
    }
}

#[test]
fn published_figures_972_due_911_closed_737_on_time() {
    let outcomes: Vec<CaseOutcome> = std::iter::repeat_n(due(true, true), 737)
        .chain(std::iter::repeat_n(due(true, false), 911 - 737))
        .chain(std::iter::repeat_n(due(false, false), 972 - 911))
        .collect();
    let metrics = CaseTotals::of(&outcomes).metrics();
    assert_eq!(
        (metrics.due, metrics.closed, metrics.closed_on_time),
        (972, 911, 737)
    );
    assert_eq!(
        metrics.closure_rate.percent_rounded(2).as_deref(),
        Some("93.72%")
    );
    assert_eq!(
        metrics.on_time_closure_rate.percent_rounded(2).as_deref(),
        Some("75.82%")
    );
}

#[test]
fn each_rate_uses_its_documented_fraction() {
    let outcomes = [
        CaseOutcome {
            reworks: 2,
            responded: true,
            resolved: true,
            satisfaction: Some(Satisfaction::Satisfied),
            ..due(true, true)
        },
        CaseOutcome {
            reworks: 1,
            overdue: true,
            responded: true,
            satisfaction: Some(Satisfaction::BasicallySatisfied),
            ..due(true, false)
        },
        CaseOutcome {
            deferred: true,
            overdue: true,
            satisfaction: Some(Satisfaction::Dissatisfied),
            ..due(false, false)
        },
        // Closed but not due this period: counts as a case, not as closed.
        CaseOutcome {
            closed: true,
            closed_on_time: true,
            reworks: 1,
            responded: true,
            resolved: true,
            ..CaseOutcome::default()
        },
    ];
    let totals: CaseTotals = outcomes.iter().collect();
    let metrics = totals.metrics();
    assert_eq!(metrics.cases, 4);
    assert_eq!(metrics.closure_rate, Rate::new(2, 3));
    assert_eq!(metrics.on_time_closure_rate, Rate::new(1, 3));
    assert_eq!(metrics.rework_rate, Rate::new(2, 2));
    assert_eq!(metrics.reworks, 4);
    assert_eq!((metrics.overdue, metrics.deferred), (2, 1));
    assert_eq!(metrics.response_rate, Rate::new(3, 4));
    assert_eq!(metrics.resolution_rate, Rate::new(2, 4));
    assert_eq!(metrics.satisfaction_rate, Rate::new(1, 3));
    assert_eq!((totals.basically_satisfied, totals.dissatisfied), (1, 1));
}

#[test]
fn on_time_without_closed_is_not_closed() {
    let metrics = CaseTotals::of(&[due(false, true)]).metrics();
    assert_eq!(metrics.on_time_closure_rate, Rate::new(0, 1));
}

#[test]
fn an_empty_aggregate_reports_not_applicable() {
    let metrics = CaseTotals::default().metrics();
    assert_eq!(metrics.closure_rate.percent_or_na(2), "n/a");
    assert_eq!(metrics.satisfaction_rate.percent_or_na(2), "n/a");
}

#[test]
fn a_late_rating_replaces_the_old_outcome() {
    let unrated = due(true, true);
    let rated = CaseOutcome {
        satisfaction: Some(Satisfaction::Satisfied),
        ..unrated
    };
    let mut totals = CaseTotals::of(&[unrated, due(false, false)]);
    totals.remove(&unrated);
    totals.add(&rated);
    assert_eq!(totals, CaseTotals::of(&[rated, due(false, false)]));
}

#[test]
fn totals_round_trip_through_json_for_read_models() {
    let totals = CaseTotals::of(&[due(true, false)]);
    let json = serde_json::to_string(&totals).expect("serialises");
    let back: CaseTotals = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, totals);
    let older: CaseTotals =
        serde_json::from_str(r#"{"cases": 3}"#).expect("missing counters are zero");
    assert_eq!(older.cases, 3);
}
