//! The late-filing watcher: a committee not filed within 30 days of its
//! election is flagged late by the system, once; filing on day 30 is on
//! time. The property service is built directly (as `build()` makes it) on
//! real PostgreSQL with a fake clock and its read models fed in-process, so
//! the test runs one watcher pass at a time; time moves only on the clock.

use super::direct::Direct;
use super::*;
use chrono::TimeDelta;
use gongzhi_property::app::late_filing::LateFilingReport;
use pb::{BallotChoice as B, MatterKind as K};

/// Two committees elected today by one assembly of a delivered estate.
async fn two_committees(c: &mut Clients) -> anyhow::Result<(String, String)> {
    let (estate_id, owners, _) = delivered_estate(c).await?;
    let assembly_id = convene(
        c,
        &estate_id,
        vec![
            matter("first", K::ElectCommittee, "选举业主委员会"),
            matter("second", K::ElectCommittee, "另选业主委员会"),
        ],
    )
    .await?;
    for m in ["first", "second"] {
        for i in 0..4 {
            vote(c, &assembly_id, m, owners.get(i)?, B::For).await?;
        }
    }
    close(c, &assembly_id).await?;
    let mut ids = Vec::new();
    for m in ["first", "second"] {
        let mut members = owners.0.clone();
        members.push(Uuid::new_v4().to_string());
        let elected = c
            .assemblies
            .elect_committee(authorized(
                pb::ElectCommitteeRequest {
                    request_id: format!("elect-{m}"),
                    district: DISTRICT.into(),
                    assembly_id: assembly_id.clone(),
                    matter_id: m.into(),
                    members,
                },
                &street()?,
            )?)
            .await?
            .into_inner();
        ids.push(elected.committee_id);
    }
    match ids.as_slice() {
        [a, b] => Ok((a.clone(), b.clone())),
        _ => anyhow::bail!("two committees expected"),
    }
}

#[tokio::test]
async fn a_committee_not_filed_in_thirty_days_is_flagged_once() -> anyhow::Result<()> {
    let direct = Direct::postgres().await?;
    let mut c = clients(&direct.url).await?;
    let (late, on_time) = two_committees(&mut c).await?;

    // Day 30 (2026-04-01): still on time, nothing flagged; one committee files.
    direct.clock.advance(TimeDelta::days(30));
    assert_eq!(direct.tick(&mut c, &late).await?.flagged, 0);
    c.assemblies
        .file_committee(authorized(
            pb::FileCommitteeRequest {
                request_id: "file-on-time".into(),
                district: DISTRICT.into(),
                committee_id: on_time.clone(),
                housing_authority_ref: "渝南住备〔2026〕30号".into(),
                street_office_ref: "铜街备〔2026〕9号".into(),
            },
            &street()?,
        )?)
        .await?;

    // Day 31: the unfiled one is flagged, once.
    direct.clock.advance(TimeDelta::days(1));
    assert_eq!(direct.tick(&mut c, &late).await?.flagged, 1);
    assert_eq!(
        direct.tick(&mut c, &late).await?,
        LateFilingReport::default(),
        "flagged once"
    );
    let head = direct.store.head_position().await?;
    let flagged = get_committee(&mut c, &late, head).await?;
    assert!(flagged.flagged_late && !flagged.filed);
    assert_eq!(flagged.flagged_on, "2026-04-02");
    assert_eq!(flagged.filing_due_on, "2026-04-01");
    let late_ones = c
        .assemblies
        .list_committees(authorized(
            pb::ListCommitteesRequest {
                district: DISTRICT.into(),
                estate_id: String::new(),
                flagged_late_only: true,
                min_position: head,
            },
            &street()?,
        )?)
        .await?
        .into_inner()
        .committees;
    assert_eq!(
        late_ones
            .iter()
            .map(|k| k.committee_id.as_str())
            .collect::<Vec<_>>(),
        vec![late.as_str()],
        "the street office sees which committee is late"
    );
    let filed = get_committee(&mut c, &on_time, head).await?;
    assert!(filed.filed && !filed.filed_late && !filed.flagged_late);
    assert_eq!(filed.filed_on, "2026-04-01");

    // Filing after the flag is still recorded, as late.
    let late_filing = c
        .assemblies
        .file_committee(authorized(
            pb::FileCommitteeRequest {
                request_id: "file-late".into(),
                district: DISTRICT.into(),
                committee_id: late.clone(),
                housing_authority_ref: "渝南住备〔2026〕41号".into(),
                street_office_ref: "铜街备〔2026〕12号".into(),
            },
            &street()?,
        )?)
        .await?
        .into_inner();
    let filed_late = get_committee(&mut c, &late, position(late_filing.receipt.as_ref())).await?;
    assert!(filed_late.filed && filed_late.filed_late && filed_late.flagged_late);

    direct.stop().await
}
