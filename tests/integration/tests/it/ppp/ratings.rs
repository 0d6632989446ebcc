//! Residents' ratings of the facility feed its satisfaction KPI: the
//! ratings travel residents -> relay -> JetStream -> the ppp feedback
//! reactor, and the period they fall in pays less. The settlement passes
//! the last rating's position, so it waits for the reactor instead of
//! sleeping.

use super::walk::Walk;
use super::*;
use gongzhi_proto::gongzhi::residents::v1 as residents;
use gongzhi_proto::gongzhi::residents::v1::rating_service_client::RatingServiceClient;
use gongzhi_proto::gongzhi::residents::v1::resident_service_client::ResidentServiceClient;

/// Registers a resident of the district and rates the facility `stars`.
async fn rate(ppp: &Ppp, n: u32, facility: &str, stars: u32) -> anyhow::Result<u64> {
    let staff = token_for(
        "worker-500108",
        &["community_worker", "district_admin"],
        &[DISTRICT],
    )?;
    let mut people = ResidentServiceClient::connect(ppp_url(ppp)).await?;
    let mut registration = crate::residents::registration(&format!("register-{n}"));
    registration.id_number = crate::residents::id_number(n)?;
    registration.name = format!("居民{n}");
    let resident = people
        .register_resident(authorized(registration, &staff)?)
        .await?
        .into_inner()
        .resident_id;
    let mut ratings = RatingServiceClient::connect(ppp_url(ppp)).await?;
    let rated = ratings
        .rate_subject(authorized(
            residents::RateSubjectRequest {
                request_id: format!("rate-{n}"),
                district: DISTRICT.into(),
                rater_resident_id: resident.clone(),
                subject_kind: residents::RatingSubjectKind::Facility as i32,
                subject_id: facility.into(),
                stars,
                comment: "服务差，等候时间长".into(),
            },
            &token_for(&resident, &["resident"], &[DISTRICT])?,
        )?)
        .await?
        .into_inner();
    Ok(rated.receipt.map_or(0, |r| r.position))
}

fn ppp_url(ppp: &Ppp) -> String {
    format!("http://{}", ppp.started.addr)
}

#[tokio::test]
async fn a_period_pays_less_when_residents_rate_the_facility_badly() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    let walk = Walk::new("e5e5e5e5-0000-4000-8000-000000000005")?;
    walk.to_execution(&mut ppp).await?;

    // Three residents give the centre one star in 2027 (the clock's year).
    let mut last = 0;
    for n in 1..=3 {
        last = rate(&ppp, n, &walk.project_id, 1).await?;
    }
    let settled_2027 = walk.settle(&mut ppp, 2027, 9_900, last).await?;
    // 2028: nobody rated the centre then.
    let settled_2028 = walk.settle(&mut ppp, 2028, 9_900, last).await?;

    let periods = ppp
        .projects
        .list_periods(authorized(
            pb::ListPeriodsRequest {
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                min_position: settled_2027.max(settled_2028),
            },
            &officer()?,
        )?)
        .await?
        .into_inner()
        .periods;
    let [bad, good] = periods.as_slice() else {
        anyhow::bail!("two settled periods expected, got {periods:?}");
    };
    // Satisfaction: 1 star average of a 4-star target = 2500; weighted with
    // availability in full: (10000 x 70 + 2500 x 30) / 100 = 7750. The
    // linked 150 000 earns 116 250, less 10 000 for the satisfaction KPI
    // failing (under half): 106 250, plus the fixed 450 000.
    assert_eq!(
        (bad.period, bad.rating_count, bad.rating_star_sum),
        (2027, 3, 3)
    );
    assert_eq!(bad.score_basis_points, 7_750);
    assert_eq!(bad.failures, 1);
    assert_eq!(bad.deductions_fen, 10_000);
    assert_eq!(bad.payment_fen, 556_250);
    assert_eq!((good.period, good.rating_count), (2028, 0));
    assert_eq!(good.score_basis_points, 10_000);
    assert_eq!(good.payment_fen, 600_000);
    assert!(bad.payment_fen < good.payment_fen);

    // The failure is published as open data.
    let export = ppp
        .projects
        .export_ocds(authorized(
            pb::ExportOcdsRequest {
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
            },
            &officer()?,
        )?)
        .await?
        .into_inner();
    let releases: serde_json::Value = serde_json::from_str(&export.release_package_json)?;
    assert_eq!(
        gongzhi_ocds::validate::OcdsValidators::new()?.ppp_release_package(&releases),
        Vec::<String>::new()
    );
    let failures: Vec<&serde_json::Value> = releases["releases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["contracts"][0]["implementation"]["performanceFailures"].as_array())
        .flatten()
        .collect();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["events"], serde_json::json!(1));
    ppp.stop().await
}

/// Counts of the feedback reactor's read model for `grid` over all years.
async fn site_cases(ppp: &Ppp, grid: &str, min_position: u64) -> anyhow::Result<(i64, i64)> {
    let feedback = ppp
        .started
        .projections
        .iter()
        .find(|p| p.name() == gongzhi_ppp::reactors::FEEDBACK)
        .ok_or_else(|| anyhow::anyhow!("no feedback reactor"))?;
    feedback
        .wait_for(min_position, Duration::from_secs(10))
        .await?;
    let mut tx = feedback.read().await?;
    let counts: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(counted), 0) AS BIGINT) FROM site_cases WHERE district = $1 AND grid = $2",
    )
    .bind(DISTRICT)
    .bind(grid.to_owned())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(counts)
}

#[tokio::test]
async fn grid_cases_at_the_site_reach_the_facility_feedback_until_rejected() -> anyhow::Result<()> {
    use gongzhi_proto::gongzhi::grids::v1 as grids;
    use gongzhi_proto::gongzhi::grids::v1::case_service_client::CaseServiceClient;
    let ppp = Ppp::start().await?;
    let mut cases = CaseServiceClient::connect(ppp_url(&ppp)).await?;
    let worker = token_for("worker-li", &["grid_worker"], &[DISTRICT])?;
    let center = token_for("centre-500108", &["command_center"], &[DISTRICT])?;
    let mut reported = Vec::new();
    for n in 0..2 {
        let answer = cases
            .report_case(authorized(
                grids::ReportCaseRequest {
                    request_id: format!("report-{n}"),
                    district: DISTRICT.into(),
                    grid: SITE.into(),
                    category: "component/01/01".into(),
                    source: grids::CaseSource::Patrol as i32,
                    urgency: grids::CaseUrgency::Normal as i32,
                    description: "养老服务中心门前井盖缺失".into(),
                    location: Some(grids::CaseLocation {
                        latitude: 29.52,
                        longitude: 106.54,
                    }),
                    reported_by: String::new(),
                },
                &worker,
            )?)
            .await?
            .into_inner();
        reported.push((answer.case_id, answer.receipt.map_or(0, |r| r.position)));
    }
    let last = reported.last().map_or(0, |(_, p)| *p);
    assert_eq!(site_cases(&ppp, SITE, last).await?, (2, 2));
    let rejected = cases
        .reject_case(authorized(
            grids::RejectCaseRequest {
                request_id: "reject-0".into(),
                district: DISTRICT.into(),
                case_id: reported[0].0.clone(),
                reason: "不属于设施问题".into(),
            },
            &center,
        )?)
        .await?
        .into_inner();
    let at = rejected.receipt.map_or(0, |r| r.position);
    assert_eq!(site_cases(&ppp, SITE, at).await?, (2, 1));
    ppp.stop().await
}
