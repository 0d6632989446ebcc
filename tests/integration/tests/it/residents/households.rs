//! Households: head, members and relations, checked against the registry.

use super::*;
use gongzhi_kernel::ResidentIdNumber;
use gongzhi_proto::gongzhi::residents::v1::household_service_client::HouseholdServiceClient;
use tonic::Code;
use tonic_types::StatusExt;

async fn person(client: &mut ResidentServiceClient<Channel>, n: u32) -> anyhow::Result<String> {
    let body = format!("5001081985030{n}{:03}", 200 + n);
    let check =
        ResidentIdNumber::check_char(&body).ok_or_else(|| anyhow::anyhow!("no check char"))?;
    let mut request = registration(&format!("member-{n}"));
    request.id_number = format!("{body}{check}");
    Ok(client
        .register_resident(authorized(request, &district_admin()?)?)
        .await?
        .into_inner()
        .resident_id)
}

#[tokio::test]
async fn a_household_keeps_its_head_members_and_relations() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut households =
        HouseholdServiceClient::connect(format!("http://{}", service.started.addr)).await?;
    let worker = community_worker()?;
    let (head, spouse, child) = (
        person(&mut residents, 1).await?,
        person(&mut residents, 2).await?,
        person(&mut residents, 3).await?,
    );

    let created = households
        .create_household(authorized(
            pb::CreateHouseholdRequest {
                request_id: "h-1".into(),
                district: DISTRICT.into(),
                community: COMMUNITY.into(),
                head_resident_id: head.clone(),
            },
            &worker,
        )?)
        .await?
        .into_inner();
    let household_id = created.household_id.clone();
    let add = |request_id: &str, resident_id: &str, relation: pb::Relation| {
        pb::AddHouseholdMemberRequest {
            request_id: request_id.into(),
            district: DISTRICT.into(),
            household_id: household_id.clone(),
            resident_id: resident_id.into(),
            relation: relation as i32,
        }
    };
    households
        .add_household_member(authorized(
            add("h-2", &spouse, pb::Relation::Spouse),
            &worker,
        )?)
        .await?;
    let added = households
        .add_household_member(authorized(
            add("h-3", &child, pb::Relation::Child),
            &worker,
        )?)
        .await?
        .into_inner();

    let twice = households
        .add_household_member(authorized(
            add("h-4", &child, pb::Relation::Child),
            &worker,
        )?)
        .await
        .err();
    assert_eq!(
        twice
            .and_then(|s| s.get_details_error_info())
            .map(|i| i.reason),
        Some("MEMBER_ALREADY_IN_HOUSEHOLD".to_owned())
    );
    let stranger = uuid::Uuid::new_v4().to_string();
    let unknown = households
        .add_household_member(authorized(
            add("h-5", &stranger, pb::Relation::OtherRelative),
            &worker,
        )?)
        .await
        .err();
    assert_eq!(
        unknown
            .and_then(|s| s.get_details_error_info())
            .map(|i| i.reason),
        Some("RESIDENT_NOT_IN_DISTRICT".to_owned())
    );

    let remove_head = pb::RemoveHouseholdMemberRequest {
        request_id: "h-6".into(),
        district: DISTRICT.into(),
        household_id: household_id.clone(),
        resident_id: head.clone(),
    };
    let refused = households
        .remove_household_member(authorized(remove_head, &worker)?)
        .await
        .err();
    assert_eq!(
        refused
            .and_then(|s| s.get_details_error_info())
            .map(|i| i.reason),
        Some("HEAD_CANNOT_LEAVE".to_owned())
    );

    let change = pb::ChangeHouseholdHeadRequest {
        request_id: "h-7".into(),
        district: DISTRICT.into(),
        household_id: household_id.clone(),
        new_head_resident_id: spouse.clone(),
        previous_head_relation: pb::Relation::Spouse as i32,
    };
    let changed = households
        .change_household_head(authorized(change, &worker)?)
        .await?
        .into_inner();
    let position = changed
        .receipt
        .map_or(0, |r| r.position)
        .max(added.receipt.map_or(0, |r| r.position));

    let got = households
        .get_household(authorized(
            pb::GetHouseholdRequest {
                district: DISTRICT.into(),
                household_id: household_id.clone(),
                min_position: position,
            },
            &worker,
        )?)
        .await?
        .into_inner()
        .household
        .ok_or_else(|| anyhow::anyhow!("no household"))?;
    assert_eq!(got.head_resident_id, spouse);
    let members: Vec<(String, i32)> = got
        .members
        .into_iter()
        .map(|m| (m.resident_id, m.relation))
        .collect();
    assert_eq!(
        members,
        vec![
            (head, pb::Relation::Spouse as i32),
            (spouse, pb::Relation::Head as i32),
            (child.clone(), pb::Relation::Child as i32)
        ]
    );

    let outsider = token(&["district_admin"], &[OTHER_DISTRICT])?;
    let codes = [
        households
            .create_household(authorized(
                pb::CreateHouseholdRequest {
                    request_id: "o-1".into(),
                    district: DISTRICT.into(),
                    community: COMMUNITY.into(),
                    head_resident_id: child.clone(),
                },
                &outsider,
            )?)
            .await
            .err()
            .map(|s| s.code()),
        households
            .add_household_member(authorized(
                add("o-2", &child, pb::Relation::Child),
                &outsider,
            )?)
            .await
            .err()
            .map(|s| s.code()),
        households
            .remove_household_member(authorized(
                pb::RemoveHouseholdMemberRequest {
                    request_id: "o-3".into(),
                    district: DISTRICT.into(),
                    household_id: household_id.clone(),
                    resident_id: child.clone(),
                },
                &outsider,
            )?)
            .await
            .err()
            .map(|s| s.code()),
        households
            .change_household_head(authorized(
                pb::ChangeHouseholdHeadRequest {
                    request_id: "o-4".into(),
                    district: DISTRICT.into(),
                    household_id: household_id.clone(),
                    new_head_resident_id: child.clone(),
                    previous_head_relation: pb::Relation::Spouse as i32,
                },
                &outsider,
            )?)
            .await
            .err()
            .map(|s| s.code()),
    ];
    assert!(
        codes.iter().all(|c| *c == Some(Code::PermissionDenied)),
        "{codes:?}"
    );
    let denied = households
        .get_household(authorized(
            pb::GetHouseholdRequest {
                district: DISTRICT.into(),
                household_id,
                min_position: 0,
            },
            &outsider,
        )?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(denied, Some(Code::PermissionDenied));
    service.stop().await
}
