//! Tenancy and roles, and bad input refused with every violation at once
//! before anything is written.

use super::*;
use tonic::Code;
use tonic_types::StatusExt;

#[tokio::test]
async fn another_district_never_sees_or_changes_a_case() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let grids = Grids::start(&db, FakeClock::at(wednesday_morning())).await?;
    let mut client = grids.client().await?;
    let case_id = registered_case(&mut client, "tenancy").await?;
    let head = grids.store.head_position().await?;
    let foreign = token_for("admin-500103", &["district_admin"], &[OTHER_DISTRICT])?;

    // Asking in our district with a token for another: refused.
    let get_here = pb::GetCaseRequest {
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        min_position: head,
    };
    let code = client
        .get_case(authorized(get_here, &foreign)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(code, Some(Code::PermissionDenied));
    // Asking in its own district: the case does not exist there.
    let get_there = pb::GetCaseRequest {
        district: OTHER_DISTRICT.into(),
        case_id: case_id.clone(),
        min_position: head,
    };
    let code = client
        .get_case(authorized(get_there, &foreign)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(code, Some(Code::NotFound));
    let close_there = pb::CloseCaseRequest {
        request_id: "foreign-close".into(),
        district: OTHER_DISTRICT.into(),
        case_id: case_id.clone(),
    };
    let code = client
        .close_case(authorized(close_there, &foreign)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(code, Some(Code::NotFound));

    // A grid worker reports but does not dispatch; a city reader only reads.
    let dispatch = pb::DispatchCaseRequest {
        request_id: "worker-dispatch".into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        unit_id: UNIT.into(),
    };
    let code = client
        .dispatch_case(authorized(dispatch, &grid_worker()?)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(code, Some(Code::PermissionDenied));
    let reader = token_for("city-reader", &["city_reader"], &[])?;
    let read = pb::GetCaseRequest {
        district: DISTRICT.into(),
        case_id,
        min_position: head,
    };
    assert!(client.get_case(authorized(read, &reader)?).await.is_ok());
    let code = client
        .report_case(authorized(report_request("reader-report"), &reader)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(code, Some(Code::PermissionDenied));
    assert_eq!(grids.store.head_position().await?, head);
    grids.stop().await
}

#[tokio::test]
async fn bad_input_lists_every_violation_and_writes_nothing() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let grids = Grids::start(&db, FakeClock::at(wednesday_morning())).await?;
    let mut client = grids.client().await?;
    let bad = pb::ReportCaseRequest {
        request_id: String::new(),
        district: DISTRICT.into(),
        grid: "500103001001001".into(),
        category: "component/99/99".into(),
        source: pb::CaseSource::Unspecified as i32,
        urgency: 42,
        description: "  ".into(),
        location: Some(pb::CaseLocation {
            latitude: 91.0,
            longitude: 106.5,
        }),
        reported_by: String::new(),
    };
    let status = client
        .report_case(authorized(bad, &grid_worker()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a bad report must be refused"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut fields: Vec<String> = status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    fields.sort();
    assert_eq!(
        fields,
        [
            "category",
            "description",
            "grid",
            "location.latitude",
            "request_id",
            "source",
            "urgency"
        ]
    );
    let bad_rating = pb::EvaluateCaseRequest {
        request_id: "rate".into(),
        district: "5001".into(),
        case_id: "not-a-uuid".into(),
        rating: 9,
        comment: String::new(),
    };
    let status = client
        .evaluate_case(authorized(bad_rating, &grid_worker()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a bad evaluation must be refused"))?;
    let mut fields: Vec<String> = status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    fields.sort();
    assert_eq!(fields, ["case_id", "district", "rating"]);
    assert_eq!(grids.store.head_position().await?, 0);
    grids.stop().await
}
