//! Erasure deletes the resident's key: afterwards every event, read-model row
//! and rebuild yields no personal data, while counts and history stay valid.

use super::*;
use gongzhi_eventstore::{Direction, ReadFrom, StreamName};
use gongzhi_kernel::EventCodec;
use gongzhi_privacy::{Opened, PostgresKeyStore, Sealed, SubjectId, Vault};
use gongzhi_residents::domain::ResidentEvent;
use std::sync::Arc;
use tonic::Code;
use tonic_types::StatusExt;

async fn counts(
    client: &mut ResidentServiceClient<Channel>,
    position: u64,
) -> anyhow::Result<Vec<pb::CommunityCounts>> {
    let request = authorized(
        pb::GetPopulationCountsRequest {
            district: DISTRICT.into(),
            min_position: position,
        },
        &district_admin()?,
    )?;
    Ok(client
        .get_population_counts(request)
        .await?
        .into_inner()
        .communities)
}

async fn get(
    client: &mut ResidentServiceClient<Channel>,
    resident_id: &str,
    position: u64,
) -> anyhow::Result<pb::Resident> {
    let request = authorized(
        pb::GetResidentRequest {
            district: DISTRICT.into(),
            resident_id: resident_id.into(),
            min_position: position,
        },
        &district_admin()?,
    )?;
    client
        .get_resident(request)
        .await?
        .into_inner()
        .resident
        .ok_or_else(|| anyhow::anyhow!("no resident"))
}

fn assert_no_personal_data(resident: &pb::Resident) {
    assert!(resident.erased);
    assert_eq!(
        (
            resident.name.as_str(),
            resident.id_number.as_str(),
            resident.phone.as_str(),
            resident.dwelling.as_str()
        ),
        ("", "", "", "")
    );
    assert!(
        resident.tags.is_empty(),
        "tags survived erasure: {:?}",
        resident.tags
    );
}

#[tokio::test]
async fn erasure_leaves_no_personal_data_even_after_a_rebuild() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let (resident_id, _) = register(&mut client, "reg").await?;
    let tags = pb::SetNeedsTagsRequest {
        request_id: "tags".into(),
        district: DISTRICT.into(),
        resident_id: resident_id.clone(),
        tags: vec![
            pb::NeedsTag::ElderlyLivingAlone as i32,
            pb::NeedsTag::Disabled as i32,
        ],
    };
    let tagged = client
        .set_needs_tags(authorized(tags, &district_admin()?)?)
        .await?
        .into_inner()
        .receipt
        .map_or(0, |r| r.position);
    let before = get(&mut client, &resident_id, tagged).await?;
    assert_eq!(before.tags.len(), 2);
    let by_tag = counts(&mut client, tagged).await?;
    assert_eq!(by_tag[0].tags.len(), 2);

    let erase = pb::EraseResidentDataRequest {
        request_id: "erase".into(),
        district: DISTRICT.into(),
        resident_id: resident_id.clone(),
    };
    let erased_at = client
        .erase_resident_data(authorized(erase, &district_admin()?)?)
        .await?
        .into_inner()
        .receipt
        .map_or(0, |r| r.position);

    let after = get(&mut client, &resident_id, erased_at).await?;
    assert_no_personal_data(&after);
    assert_eq!(
        (after.community.as_str(), after.birth_year),
        (COMMUNITY, 1949),
        "non-personal facts stay"
    );
    let counted = counts(&mut client, erased_at).await?;
    assert_eq!(
        counted.iter().map(|c| c.registered).sum::<u64>(),
        1,
        "the resident still counts"
    );

    // Every sealed value in every stored event is now unreadable.
    let master_key = gongzhi_privacy::MasterKey::from_base64(&service.master_key)?;
    let vault = Vault::new(
        Arc::new(PostgresKeyStore::connect(&service.db.url).await?),
        &master_key,
    );
    let subject = SubjectId::parse(&resident_id)?;
    let stream = StreamName::new("resident", &resident_id)?;
    let history = service
        .started
        .store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 100)
        .await?;
    let mut sealed_values = 0;
    for recorded in &history {
        let fields: Vec<(&str, Option<pb::SealedValue>)> =
            match ResidentEvent::decode(&recorded.event_type, &recorded.payload)? {
                ResidentEvent::Registered(e) => vec![
                    ("name", e.name),
                    ("id_number", e.id_number),
                    ("phone", e.phone),
                    ("dwelling", e.dwelling),
                ],
                ResidentEvent::NeedsTagsChanged(e) => vec![("needs_tags", e.tags)],
                _ => Vec::new(),
            };
        for (field, sealed) in fields {
            let Some(sealed) = sealed else { continue };
            sealed_values += 1;
            let opened = vault
                .open(&subject, field, &Sealed::from_bytes(&sealed.ciphertext)?)
                .await?;
            assert!(
                matches!(opened, Opened::Erased),
                "{field} still opens after erasure"
            );
        }
    }
    assert_eq!(sealed_values, 5);

    // A rebuild from the store finds nothing to open either.
    let projection = service
        .started
        .projections
        .iter()
        .find(|p| p.name() == "residents")
        .ok_or_else(|| anyhow::anyhow!("no projection"))?;
    let generation = projection.rebuild(|_| {}).await?;
    assert_eq!(generation, 2);
    assert_no_personal_data(&get(&mut client, &resident_id, erased_at).await?);
    let counted = counts(&mut client, erased_at).await?;
    assert_eq!(counted.iter().map(|c| c.registered).sum::<u64>(), 1);
    assert!(
        counted.iter().all(|c| c.tags.is_empty()),
        "no tag survives the rebuild"
    );

    // And no new personal data may be recorded for the person.
    let phone = pb::UpdateContactDetailsRequest {
        request_id: "phone".into(),
        district: DISTRICT.into(),
        resident_id,
        phone: PHONE.into(),
    };
    let refused = client
        .update_contact_details(authorized(phone, &district_admin()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("accepted"))?;
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(
        refused.get_details_error_info().map(|i| i.reason),
        Some("RESIDENT_DATA_ERASED".to_owned())
    );
    service.stop().await
}
