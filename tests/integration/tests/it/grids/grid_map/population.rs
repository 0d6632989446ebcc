//! Residents per grid and per needs tag, projected from the residents
//! context's events (appended here as that context writes them), never by
//! calling the residents service.

use super::*;
use gongzhi_eventstore::{EventData, EventMetadata, ExpectedRevision, StreamName};
use gongzhi_privacy::{Subject, SubjectId};
use gongzhi_proto::gongzhi::residents::v1 as residents;
use prost::Message;
use uuid::Uuid;

async fn append(
    service: &GridMap,
    resident_id: Uuid,
    event_type: &str,
    payload: Vec<u8>,
) -> anyhow::Result<u64> {
    let stream = StreamName::new("resident", resident_id)?;
    let data = EventData {
        event_id: Uuid::new_v4(),
        event_type: format!("gongzhi.residents.v1.{event_type}"),
        payload,
        metadata: EventMetadata::new(Some(DistrictCode::parse(DISTRICT)?), "residents-test"),
    };
    Ok(service
        .store
        .append(&stream, ExpectedRevision::Any, vec![data])
        .await?
        .position)
}

async fn register(service: &GridMap, grid: &str) -> anyhow::Result<(Uuid, u64)> {
    let resident_id = Uuid::new_v4();
    let registered = residents::ResidentRegistered {
        resident_id: resident_id.to_string(),
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        grid: grid.into(),
        residency: residents::Residency::Registered as i32,
        ..Default::default()
    };
    let position = append(
        service,
        resident_id,
        "ResidentRegistered",
        registered.encode_to_vec(),
    )
    .await?;
    Ok((resident_id, position))
}

#[tokio::test]
async fn population_per_grid_and_needs_tag_comes_from_residents_events() -> anyhow::Result<()> {
    let service = GridMap::start().await?;
    let mut client = service.client().await?;
    let (elder, _) = register(&service, GRID_A).await?;
    let (leaver, _) = register(&service, GRID_A).await?;
    register(&service, GRID_B).await?;
    register(&service, GRID_B).await?;

    let subject = Subject::new(SubjectId::from(elder), DistrictCode::parse(DISTRICT)?);
    let sealed = service
        .vault
        .seal(
            &subject,
            "needs_tags",
            residents::NeedsTag::ElderlyLivingAlone
                .as_str_name()
                .as_bytes(),
        )
        .await?;
    let tagged = residents::NeedsTagsChanged {
        resident_id: elder.to_string(),
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        tags: Some(residents::SealedValue {
            ciphertext: sealed.into_bytes(),
        }),
    };
    append(&service, elder, "NeedsTagsChanged", tagged.encode_to_vec()).await?;
    let moved_out = residents::ResidentMovedOut {
        resident_id: leaver.to_string(),
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        reason: "moved to another city".into(),
    };
    let last = append(
        &service,
        leaver,
        "ResidentMovedOut",
        moved_out.encode_to_vec(),
    )
    .await?;

    let reader = token(&["community_worker"], &[DISTRICT])?;
    let population = |grid: &str| pb::GetGridPopulationRequest {
        district: DISTRICT.into(),
        grid: grid.into(),
        min_position: last,
    };
    let all = client
        .get_grid_population(authorized(population(""), &reader)?)
        .await?
        .into_inner()
        .grids;
    let counts: Vec<_> = all.iter().map(|g| (g.grid.as_str(), g.residents)).collect();
    assert_eq!(counts, vec![(GRID_A, 1), (GRID_B, 2)]);
    let tags: Vec<_> = all[0].tags.iter().map(|t| (t.tag, t.residents)).collect();
    assert_eq!(
        tags,
        vec![(residents::NeedsTag::ElderlyLivingAlone as i32, 1)]
    );
    assert!(all[1].tags.is_empty());

    let one = client
        .get_grid_population(authorized(population(GRID_B), &reader)?)
        .await?
        .into_inner()
        .grids;
    assert_eq!(one.len(), 1);
    assert_eq!((one[0].grid.as_str(), one[0].residents), (GRID_B, 2));
    let empty = client
        .get_grid_population(authorized(population("500108001002003"), &reader)?)
        .await?
        .into_inner()
        .grids;
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0].residents, 0);

    let foreign = token(&["community_worker"], &[OTHER_DISTRICT])?;
    let refused = client
        .get_grid_population(authorized(population(""), &foreign)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(refused, Some(tonic::Code::PermissionDenied));
    service.stop().await
}
