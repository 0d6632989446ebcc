//! Tenancy and roles for every RPC: a caller of another district is refused
//! everything, a city-wide reader reads but never writes.

use super::*;
use tonic::Code;

/// Calls every RPC of the service for the resident in DISTRICT and returns
/// the status codes, in RPC order.
async fn call_every_rpc(
    client: &mut ResidentServiceClient<Channel>,
    token: &str,
    resident_id: &str,
) -> anyhow::Result<Vec<(&'static str, Code)>> {
    let code = |r: Result<(), tonic::Status>| r.err().map_or(Code::Ok, |s| s.code());
    let id = || resident_id.to_owned();
    let d = || DISTRICT.to_owned();
    let mut codes = Vec::new();
    codes.push((
        "RegisterResident",
        code(
            client
                .register_resident(authorized(registration("x-reg"), token)?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "MoveOut",
        code(
            client
                .move_out(authorized(
                    pb::MoveOutRequest {
                        request_id: "x-1".into(),
                        district: d(),
                        resident_id: id(),
                        reason: "r".into(),
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "MoveIn",
        code(
            client
                .move_in(authorized(
                    pb::MoveInRequest {
                        request_id: "x-2".into(),
                        district: d(),
                        resident_id: id(),
                        community: COMMUNITY.into(),
                        grid: String::new(),
                        dwelling: "d".into(),
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "ChangeDwelling",
        code(
            client
                .change_dwelling(authorized(
                    pb::ChangeDwellingRequest {
                        request_id: "x-3".into(),
                        district: d(),
                        resident_id: id(),
                        community: COMMUNITY.into(),
                        grid: String::new(),
                        dwelling: "d".into(),
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "UpdateContactDetails",
        code(
            client
                .update_contact_details(authorized(
                    pb::UpdateContactDetailsRequest {
                        request_id: "x-4".into(),
                        district: d(),
                        resident_id: id(),
                        phone: PHONE.into(),
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "SetNeedsTags",
        code(
            client
                .set_needs_tags(authorized(
                    pb::SetNeedsTagsRequest {
                        request_id: "x-5".into(),
                        district: d(),
                        resident_id: id(),
                        tags: vec![pb::NeedsTag::Disabled as i32],
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "EraseResidentData",
        code(
            client
                .erase_resident_data(authorized(
                    pb::EraseResidentDataRequest {
                        request_id: "x-6".into(),
                        district: d(),
                        resident_id: id(),
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "GetResident",
        code(
            client
                .get_resident(authorized(
                    pb::GetResidentRequest {
                        district: d(),
                        resident_id: id(),
                        min_position: 0,
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "ListResidents",
        code(
            client
                .list_residents(authorized(
                    pb::ListResidentsRequest {
                        district: d(),
                        ..Default::default()
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    codes.push((
        "GetPopulationCounts",
        code(
            client
                .get_population_counts(authorized(
                    pb::GetPopulationCountsRequest {
                        district: d(),
                        min_position: 0,
                    },
                    token,
                )?)
                .await
                .map(drop),
        ),
    ));
    Ok(codes)
}

#[tokio::test]
async fn another_districts_caller_is_refused_every_rpc() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let (resident_id, _) = register(&mut client, "reg").await?;
    let head = service.started.store.head_position().await?;
    for role in ["community_worker", "street_officer", "district_admin"] {
        let outsider = token(&[role], &[OTHER_DISTRICT])?;
        for (rpc, code) in call_every_rpc(&mut client, &outsider, &resident_id).await? {
            assert_eq!(
                code,
                Code::PermissionDenied,
                "{role} of {OTHER_DISTRICT} calling {rpc}"
            );
        }
    }
    assert_eq!(
        service.started.store.head_position().await?,
        head,
        "refused calls wrote nothing"
    );
    service.stop().await
}

#[tokio::test]
async fn a_city_reader_reads_every_district_but_writes_nothing() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let (resident_id, position) = register(&mut client, "reg").await?;
    // Wait until the read model holds the registration, so reads find it.
    let ready = pb::GetResidentRequest {
        district: DISTRICT.into(),
        resident_id: resident_id.clone(),
        min_position: position,
    };
    client
        .get_resident(authorized(ready, &district_admin()?)?)
        .await?;
    let reader = token(&["city_reader"], &[])?;
    for (rpc, code) in call_every_rpc(&mut client, &reader, &resident_id).await? {
        let reads = matches!(rpc, "GetResident" | "ListResidents" | "GetPopulationCounts");
        let expected = if reads {
            Code::Ok
        } else {
            Code::PermissionDenied
        };
        assert_eq!(code, expected, "city_reader calling {rpc}");
    }
    let seen = client
        .get_resident(authorized(
            pb::GetResidentRequest {
                district: DISTRICT.into(),
                resident_id,
                min_position: 0,
            },
            &reader,
        )?)
        .await?
        .into_inner()
        .resident
        .ok_or_else(|| anyhow::anyhow!("no resident"))?;
    assert_eq!(
        seen.id_number, "110105********002X",
        "a city reader sees personal data masked"
    );
    service.stop().await
}

#[tokio::test]
async fn only_district_administrators_erase() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let (resident_id, _) = register(&mut client, "reg").await?;
    let erase = |token: &str, request_id: &str| {
        authorized(
            pb::EraseResidentDataRequest {
                request_id: request_id.into(),
                district: DISTRICT.into(),
                resident_id: resident_id.clone(),
            },
            token,
        )
    };
    let denied = client
        .erase_resident_data(erase(&community_worker()?, "e-1")?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(denied, Some(Code::PermissionDenied));
    client
        .erase_resident_data(erase(&district_admin()?, "e-2")?)
        .await?;
    service.stop().await
}
