use super::*;
use std::collections::BTreeMap;

fn kpi(id: &str, kind: KpiKind, weight: u32, target: u64) -> KpiDefinition {
    KpiDefinition {
        kpi_id: id.into(),
        kind,
        weight,
        target,
        description: String::new(),
    }
}

fn kpis() -> Vec<KpiDefinition> {
    vec![
        kpi("avail", KpiKind::Availability, 40, 9_800),
        kpi("resp", KpiKind::ResponseTime, 20, 30),
        kpi("sat", KpiKind::Satisfaction, 30, 400),
        kpi("cases", KpiKind::GridCases, 10, 2),
    ]
}

fn measured(stars: (u64, u64), cases: u64) -> BTreeMap<String, Measurement> {
    BTreeMap::from([
        ("avail".to_owned(), Measurement::Percent(9_900)),
        ("resp".to_owned(), Measurement::Minutes(20)),
        (
            "sat".to_owned(),
            Measurement::Ratings {
                count: stars.0,
                star_sum: stars.1,
            },
        ),
        ("cases".to_owned(), Measurement::Cases(cases)),
    ])
}

#[test]
fn a_good_period_scores_in_full() {
    let score = period_score(&kpis(), &measured((10, 45), 1)).expect("scored");
    assert_eq!(score.score, FULL);
    assert!(score.failures.is_empty());
}

#[test]
fn bad_ratings_lower_the_score_exactly() {
    // 10 ratings, 15 stars: average 1.5 of a 4.00 target -> 3750 bp, a
    // failure; weighted: 40*10000 + 20*10000 + 30*3750 + 10*10000 = 812500.
    let score = period_score(&kpis(), &measured((10, 15), 0)).expect("scored");
    assert_eq!(score.kpis[2], ("sat".to_owned(), 3_750));
    assert_eq!(score.score, 8_125);
    assert_eq!(score.failures, vec!["sat".to_owned()]);
}

#[test]
fn response_time_and_cases_lose_points_past_their_targets() {
    let resp = kpi("resp", KpiKind::ResponseTime, 100, 30);
    assert_eq!(kpi_score(&resp, Measurement::Minutes(30)), Ok(FULL));
    assert_eq!(kpi_score(&resp, Measurement::Minutes(60)), Ok(5_000));
    let cases = kpi("c", KpiKind::GridCases, 100, 2);
    assert_eq!(kpi_score(&cases, Measurement::Cases(2)), Ok(FULL));
    assert_eq!(kpi_score(&cases, Measurement::Cases(5)), Ok(7_000));
    assert_eq!(kpi_score(&cases, Measurement::Cases(40)), Ok(0));
}

#[test]
fn definitions_and_measurements_are_checked() {
    let mut bad = kpis();
    bad[0].weight = 39;
    assert_eq!(check_definitions(&bad), Err(KpiError::Weights(99)));
    assert_eq!(check_definitions(&kpis()), Ok(()));
    let mut missing = measured((0, 0), 0);
    missing.remove("resp");
    assert_eq!(
        period_score(&kpis(), &missing),
        Err(KpiError::Missing("resp".into()))
    );
    assert_eq!(
        kpi_score(&kpis()[0], Measurement::Cases(1)),
        Err(KpiError::WrongMeasurement("avail".into()))
    );
}

#[test]
fn no_ratings_is_not_a_bad_rating() {
    let sat = kpi("sat", KpiKind::Satisfaction, 100, 400);
    assert_eq!(
        kpi_score(
            &sat,
            Measurement::Ratings {
                count: 0,
                star_sum: 0
            }
        ),
        Ok(FULL)
    );
}
