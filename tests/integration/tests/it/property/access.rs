//! Tenancy, roles, idempotent retries and the order of things: another
//! district's caller is refused and another district's estate is not found;
//! a retried request answers its first receipt without writing; a first
//! assembly needs an eligible estate and its preparatory group; a committee
//! waits for the vote to be counted; a closed assembly takes no ballots.

use super::*;
use gongzhi_server::CITY_ADMIN_ROLE;
use pb::{BallotChoice as B, MatterKind as K};

const OTHER_DISTRICT: &str = "500103";

fn registration(request_id: &str) -> pb::RegisterEstateRequest {
    pb::RegisterEstateRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        name: "长江小区".into(),
        developer_id: DEVELOPER.into(),
    }
}

fn other_district_officer() -> anyhow::Result<String> {
    let caller = Caller {
        subject: "officer-elsewhere".into(),
        roles: vec!["street_officer".into()],
        districts: vec![DistrictCode::parse(OTHER_DISTRICT)?],
    };
    Ok(TokenIssuer::new(&AuthConfig::new(SECRET.to_vec()))
        .issue(&caller, Duration::from_secs(600))?)
}

#[tokio::test]
async fn callers_act_in_their_district_and_retries_write_once() -> anyhow::Result<()> {
    let service = Property::start().await?;
    let mut c = service.clients().await?;
    let staff = street()?;

    let first = c
        .estates
        .register_estate(authorized(registration("register-once"), &staff)?)
        .await?
        .into_inner();
    let head = service.head().await?;
    let again = c
        .estates
        .register_estate(authorized(registration("register-once"), &staff)?)
        .await?
        .into_inner();
    assert_eq!(again.estate_id, first.estate_id);
    assert!(again.receipt.as_ref().is_some_and(|r| r.replayed));
    assert_eq!(service.head().await?, head, "a retry writes nothing");

    // Roles and districts.
    let denied = c
        .estates
        .register_estate(authorized(
            registration("by-owner"),
            &owner(&Uuid::new_v4().to_string())?,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(denied, Some(Code::PermissionDenied));
    let denied = c
        .estates
        .register_estate(authorized(
            registration("elsewhere"),
            &other_district_officer()?,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(denied, Some(Code::PermissionDenied));
    let city = token_for("city", &[CITY_ADMIN_ROLE])?;
    let hidden = c
        .estates
        .get_estate(authorized(
            pb::GetEstateRequest {
                district: OTHER_DISTRICT.into(),
                estate_id: first.estate_id.clone(),
                min_position: head,
            },
            &city,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(
        hidden,
        Some(Code::NotFound),
        "another district's estate is not found"
    );
    let add = pb::AddBuildingRequest {
        request_id: "add-elsewhere".into(),
        district: OTHER_DISTRICT.into(),
        estate_id: first.estate_id.clone(),
        building_id: "B9".into(),
        name: "9号楼".into(),
    };
    let hidden = c
        .estates
        .add_building(authorized(add, &city)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(hidden, Some(Code::NotFound));
    assert_eq!(service.head().await?, head);

    // Nothing delivered yet: no preparatory group, no first assembly.
    let group = pb::FormPreparatoryGroupRequest {
        request_id: "too-early".into(),
        district: DISTRICT.into(),
        estate_id: first.estate_id.clone(),
        led_by: "street-officer-wang".into(),
        members: (0..5)
            .map(|i| pb::PreparatoryGroupMember {
                member_id: if i == 0 {
                    "street-officer-wang".into()
                } else {
                    format!("m{i}")
                },
                role: "member".into(),
            })
            .collect(),
    };
    refused(
        c.estates
            .form_preparatory_group(authorized(group, &staff)?)
            .await,
        Code::FailedPrecondition,
        "FIRST_ASSEMBLY_NOT_ELIGIBLE",
    )?;
    assert_eq!(service.head().await?, head);
    service.stop().await
}

#[tokio::test]
async fn votes_are_counted_before_anything_relies_on_them() -> anyhow::Result<()> {
    let service = Property::start().await?;
    let mut c = service.clients().await?;
    let staff = street()?;
    let (estate_id, owners, _) = delivered_estate(&mut c).await?;
    let assembly_id = convene(
        &mut c,
        &estate_id,
        vec![matter("elect", K::ElectCommittee, "选举业主委员会")],
    )
    .await?;
    for i in 0..4 {
        vote(&mut c, &assembly_id, "elect", owners.get(i)?, B::For).await?;
    }
    let mut five = owners.0.clone();
    five.push(Uuid::new_v4().to_string());
    let elect = pb::ElectCommitteeRequest {
        request_id: "elect-early".into(),
        district: DISTRICT.into(),
        assembly_id: assembly_id.clone(),
        matter_id: "elect".into(),
        members: five,
    };
    let head = service.head().await?;
    refused(
        c.assemblies
            .elect_committee(authorized(elect.clone(), &staff)?)
            .await,
        Code::FailedPrecondition,
        "DECISION_NOT_DECIDED",
    )?;
    assert_eq!(service.head().await?, head);

    close(&mut c, &assembly_id).await?;
    let head = service.head().await?;
    refused(
        c.assemblies
            .cast_ballot(authorized(
                ballot(&assembly_id, "elect", "developer", B::Against),
                &staff,
            )?)
            .await,
        Code::FailedPrecondition,
        "ASSEMBLY_CLOSED",
    )?;
    assert_eq!(service.head().await?, head);
    let mut elect = elect;
    elect.request_id = "elect-after-count".into();
    c.assemblies
        .elect_committee(authorized(elect, &staff)?)
        .await?;
    service.stop().await
}
