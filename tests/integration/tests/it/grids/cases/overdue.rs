//! Flags the system raises by itself: a summoned department that is late,
//! and overdue stages, also for deadlines that passed while the service was
//! stopped. Time moves only on the fake clock.

use super::*;
use chrono::TimeDelta;
use futures::StreamExt;
use gongzhi_grids::domain::case::CaseEvent;
use gongzhi_kernel::EventCodec;

#[tokio::test]
async fn a_late_department_is_recorded() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let grids = Grids::start(&db, FakeClock::at(wednesday_morning())).await?;
    let mut client = grids.client().await?;
    let case_id = registered_case(&mut client, "whistle").await?;

    let summon = pb::SummonUnitsRequest {
        request_id: "whistle-summon".into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        unit_ids: vec!["unit-prompt".into(), "unit-late".into()],
        summoned_by: COMMUNITY.into(),
    };
    let summoned = client
        .summon_units(authorized(
            summon,
            &token_for("so-1", &["street_officer"], &[DISTRICT])?,
        )?)
        .await?
        .into_inner();
    assert!(!summoned.summon_id.is_empty());
    let respond = |request_id: &str, unit: &str| pb::AcknowledgeSummonsRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        unit_id: unit.into(),
    };
    grids.clock.advance(TimeDelta::minutes(10));
    client
        .acknowledge_summons(authorized(
            respond("ack-prompt", ""),
            &department("unit-prompt")?,
        )?)
        .await?;
    let arrive = pb::ArriveOnSiteRequest {
        request_id: "arrive-prompt".into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        unit_id: String::new(),
    };
    client
        .arrive_on_site(authorized(arrive, &department("unit-prompt")?)?)
        .await?;

    // The default 30 minutes pass; the late unit only acknowledges.
    grids.clock.advance(TimeDelta::minutes(25));
    let late_ack = client
        .acknowledge_summons(authorized(
            respond("ack-late", ""),
            &department("unit-late")?,
        )?)
        .await?
        .into_inner();
    // A department acts only for itself.
    let impersonated = client
        .acknowledge_summons(authorized(
            respond("ack-other", "unit-prompt"),
            &department("unit-late")?,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(impersonated, Some(tonic::Code::PermissionDenied));

    let watcher = grids.watcher();
    // Read-your-writes for the watcher too: its pass must see the ack.
    get(&mut client, &case_id, receipt(late_ack.receipt)?.position).await?;
    let pass = watcher.tick().await?;
    assert_eq!(pass.flagged, 1, "{pass:?}");
    assert_eq!(watcher.tick().await?.flagged, 0, "a flag is raised once");

    let flags = grids.events("gongzhi.grids.v1.SummonsLateFlagged").await?;
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].metadata.actor, "system");
    let position = flags[0].position;
    let case = get(&mut client, &case_id, position).await?;
    let unit = |id: &str| {
        case.summoned_units
            .iter()
            .find(|u| u.unit_id == id)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("{id} is attached to the case"))
    };
    let prompt = unit("unit-prompt")?;
    assert!(!prompt.acknowledged_late && !prompt.arrived_late && !prompt.flagged_late);
    let late = unit("unit-late")?;
    assert!(late.acknowledged_late && late.flagged_late);
    assert!(late.arrived_at.is_empty());
    grids.stop().await
}

#[tokio::test]
async fn overdue_is_flagged_by_the_system_after_a_restart() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let first = Grids::start(&db, FakeClock::at(wednesday_morning())).await?;
    let watching = first.shutdown_token();
    let watcher = tokio::spawn(first.watcher().run(watching));
    let mut client = first.client().await?;
    let case_id = registered_case(&mut client, "late").await?;
    let head = first.store.head_position().await?;
    // Nothing is due yet by the first instance's clock.
    assert_eq!(first.watcher().tick().await?.flagged, 0);
    first.stop().await?;
    watcher.await?;

    // A month later a new instance starts on the same database.
    let later = wednesday_morning() + TimeDelta::days(30);
    let second = Grids::start(&db, FakeClock::at(later)).await?;
    let mut flags = second.store.subscribe_all(
        head,
        AllFilter::categories(["case"])
            .with_event_type_prefix("gongzhi.grids.v1.CaseOverdueFlagged"),
    );
    let watching = second.shutdown_token();
    let watcher = tokio::spawn(second.watcher().run(watching));
    let mut stages = Vec::new();
    while stages.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(20), flags.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("subscription ended"))??;
        assert_eq!(event.metadata.actor, "system");
        if let CaseEvent::OverdueFlagged(flag) =
            CaseEvent::decode(&event.event_type, &event.payload)?
        {
            assert_eq!(flag.case_id, case_id);
            stages.push(flag.stage());
        }
    }
    stages.sort();
    assert_eq!(stages, [pb::CaseStage::Dispatch, pb::CaseStage::Handle]);

    // The read model shows them, and a second pass changes nothing.
    let mut client = second.client().await?;
    let position = second.store.head_position().await?;
    let case = get(&mut client, &case_id, position).await?;
    let overdue: Vec<_> = case
        .deadlines
        .iter()
        .filter(|d| d.overdue)
        .map(|d| d.stage())
        .collect();
    assert_eq!(overdue, [pb::CaseStage::Dispatch, pb::CaseStage::Handle]);
    assert_eq!(second.watcher().tick().await?.flagged, 0);
    let listed = client
        .list_cases(authorized(
            pb::ListCasesRequest {
                district: DISTRICT.into(),
                overdue_only: true,
                min_position: position,
                ..Default::default()
            },
            &command_center()?,
        )?)
        .await?
        .into_inner();
    assert_eq!(listed.cases.len(), 1);
    second.stop().await?;
    watcher.await?;
    Ok(())
}
