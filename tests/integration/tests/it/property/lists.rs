//! The paged lists: estates of a district (of a community) and assemblies
//! of an estate with each matter's ballots by channel, tally and reason;
//! tenancy and bad page tokens refused.

use super::*;
use pb::BallotChoice as B;
use pb::MatterKind as K;

/// Another community of the test district.
const OTHER_COMMUNITY: &str = "500108001003";

async fn register_estate(c: &mut Clients, n: u32, community: &str) -> anyhow::Result<u64> {
    let registered = c
        .estates
        .register_estate(authorized(
            pb::RegisterEstateRequest {
                request_id: format!("register-estate-{n}"),
                district: DISTRICT.into(),
                community: community.into(),
                name: format!("小区{n}"),
                developer_id: DEVELOPER.into(),
            },
            &street()?,
        )?)
        .await?
        .into_inner();
    Ok(position(registered.receipt.as_ref()))
}

fn list(
    community: &str,
    page_size: u32,
    page_token: &str,
    min_position: u64,
) -> pb::ListEstatesRequest {
    pb::ListEstatesRequest {
        district: DISTRICT.into(),
        community: community.into(),
        page_size,
        page_token: page_token.into(),
        min_position,
    }
}

#[tokio::test]
async fn estates_are_listed_a_page_at_a_time() -> anyhow::Result<()> {
    let service = Property::start().await?;
    let mut c = service.clients().await?;
    let (estate_id, _, _) = delivered_estate(&mut c).await?;
    register_estate(&mut c, 2, COMMUNITY).await?;
    let last = register_estate(&mut c, 3, OTHER_COMMUNITY).await?;
    let reader = street()?;

    let first = c
        .estates
        .list_estates(authorized(list("", 2, "", last), &reader)?)
        .await?
        .into_inner();
    assert_eq!(first.estates.len(), 2);
    assert!(!first.next_page_token.is_empty());
    let second = c
        .estates
        .list_estates(authorized(
            list("", 2, &first.next_page_token, last),
            &reader,
        )?)
        .await?
        .into_inner();
    assert_eq!(second.estates.len(), 1);
    assert!(second.next_page_token.is_empty(), "the last page says so");
    let mut ids: Vec<&str> = first
        .estates
        .iter()
        .chain(&second.estates)
        .map(|e| e.estate_id.as_str())
        .collect();
    let in_order = ids.clone();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids, in_order, "ordered by estate id, none twice");

    let delivered = first
        .estates
        .iter()
        .chain(&second.estates)
        .find(|e| e.estate_id == estate_id)
        .ok_or_else(|| anyhow::anyhow!("the delivered estate is listed"))?;
    assert_eq!(
        (
            delivered.unit_count,
            delivered.delivered_unit_count,
            delivered.preparatory_group_formed
        ),
        (5, 4, true)
    );

    let other = c
        .estates
        .list_estates(authorized(list(OTHER_COMMUNITY, 0, "", last), &reader)?)
        .await?
        .into_inner();
    assert_eq!(other.estates.len(), 1);
    assert_eq!(other.estates[0].community, OTHER_COMMUNITY);

    // Bad input and another district are refused.
    let status = c
        .estates
        .list_estates(authorized(list("", 0, "not-a-token", 0), &reader)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a foreign page token is refused"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = c
        .estates
        .list_estates(authorized(list("110101001001", 0, "", 0), &reader)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a community outside the district is refused"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut elsewhere = list("", 0, "", 0);
    elsewhere.district = "110101".into();
    let status = c
        .estates
        .list_estates(authorized(elsewhere, &reader)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("another district's estates are not listed"))?;
    assert_eq!(status.code(), Code::PermissionDenied);

    service.stop().await
}

fn list_assemblies(
    estate_id: &str,
    page_size: u32,
    page_token: &str,
    min_position: u64,
) -> pb::ListAssembliesRequest {
    pb::ListAssembliesRequest {
        district: DISTRICT.into(),
        estate_id: estate_id.into(),
        page_size,
        page_token: page_token.into(),
        min_position,
    }
}

#[tokio::test]
async fn assemblies_of_an_estate_show_ballots_by_channel_tally_and_reason() -> anyhow::Result<()> {
    let service = Property::start().await?;
    let mut c = service.clients().await?;
    let (estate_id, owners, _) = delivered_estate(&mut c).await?;
    let reader = street()?;
    let first = convene(
        &mut c,
        &estate_id,
        vec![matter("rules", K::RulesOfProcedure, "议事规则")],
    )
    .await?;
    let later = c
        .assemblies
        .convene_assembly(authorized(
            pb::ConveneAssemblyRequest {
                request_id: "convene-later".into(),
                district: DISTRICT.into(),
                estate_id: estate_id.clone(),
                first: false,
                held_on: "2026-04-30".into(),
                matters: vec![matter("other", K::OtherMajor, "增设充电桩")],
            },
            &reader,
        )?)
        .await?
        .into_inner()
        .assembly_id;

    // One owner online, three on paper recorded by staff.
    let mut online = ballot(&first, "rules", owners.get(0)?, B::For);
    online.channel = pb::BallotChannel::Online as i32;
    c.assemblies
        .cast_ballot(authorized(online, &owner(owners.get(0)?)?)?)
        .await?;
    for i in 1..4 {
        vote(&mut c, &first, "rules", owners.get(i)?, B::For).await?;
    }
    // The channel follows who casts: an owner's own paper ballot, or staff
    // sending an online one, is refused and changes nothing.
    let head = service.head().await?;
    let status = c
        .assemblies
        .cast_ballot(authorized(
            ballot(&later, "other", owners.get(0)?, B::For),
            &owner(owners.get(0)?)?,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("an owner's own written ballot is refused"))?;
    assert_eq!(status.code(), Code::PermissionDenied);
    let mut staff_online = ballot(&later, "other", owners.get(1)?, B::For);
    staff_online.channel = pb::BallotChannel::Online as i32;
    let status = c
        .assemblies
        .cast_ballot(authorized(staff_online, &reader)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("staff sending an online ballot is refused"))?;
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(service.head().await?, head, "nothing was written");
    let closed = close(&mut c, &first).await?;

    let page = c
        .assemblies
        .list_assemblies(authorized(
            list_assemblies(&estate_id, 1, "", closed),
            &reader,
        )?)
        .await?
        .into_inner();
    assert_eq!(page.assemblies.len(), 1);
    let held_first = &page.assemblies[0];
    assert_eq!(held_first.assembly_id, first, "earliest held first");
    let rules = &held_first.matters[0];
    assert_eq!(
        (rules.ballots, rules.written_ballots, rules.online_ballots),
        (4, 3, 1)
    );
    assert!(rules.decided && rules.passed);
    assert_eq!(rules.reason, pb::MatterOutcomeReason::Passed as i32);
    assert!(
        rules.explanation.starts_with("passed: 380.00 of 380.00 m²"),
        "{}",
        rules.explanation
    );
    let tally = rules.tally.clone().unwrap_or_default();
    assert_eq!(tally.participating.map(|p| p.heads), Some(4));

    let rest = c
        .assemblies
        .list_assemblies(authorized(
            list_assemblies(&estate_id, 1, &page.next_page_token, closed),
            &reader,
        )?)
        .await?
        .into_inner();
    assert_eq!(
        rest.assemblies
            .iter()
            .map(|a| a.assembly_id.as_str())
            .collect::<Vec<_>>(),
        vec![later.as_str()]
    );
    assert!(rest.next_page_token.is_empty());
    assert!(!rest.assemblies[0].closed);

    // An unknown estate is NOT_FOUND; a foreign token INVALID_ARGUMENT.
    let status = c
        .assemblies
        .list_assemblies(authorized(
            list_assemblies(&Uuid::new_v4().to_string(), 0, "", 0),
            &reader,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("an unknown estate is refused"))?;
    assert_eq!(status.code(), Code::NotFound);
    let status = c
        .assemblies
        .list_assemblies(authorized(list_assemblies(&estate_id, 0, "x", 0), &reader)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a foreign page token is refused"))?;
    assert_eq!(status.code(), Code::InvalidArgument);

    service.stop().await
}
