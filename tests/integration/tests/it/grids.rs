//! The grids context's view of the population, built only from the residents
//! context's events: residents per unit grid and needs tags per grid.

mod cases;
mod grid_map;
mod metrics;
mod open311;
mod served;

use crate::residents::{DISTRICT, GRID, Residents, authorized, district_admin, register};
use gongzhi_grids::projections::{GridPopulationProjection, grid_counts};
use gongzhi_privacy::{MasterKey, PostgresKeyStore, Vault};
use gongzhi_projections::ReadModelDb;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use std::sync::Arc;

#[tokio::test]
async fn population_per_grid_comes_from_residents_events() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let (resident_id, _) = register(&mut client, "reg").await?;
    let tags = pb::SetNeedsTagsRequest {
        request_id: "tags".into(),
        district: DISTRICT.into(),
        resident_id: resident_id.clone(),
        tags: vec![pb::NeedsTag::ElderlyLivingAlone as i32],
    };
    client
        .set_needs_tags(authorized(tags, &district_admin()?)?)
        .await?;

    let vault = Vault::new(
        Arc::new(PostgresKeyStore::connect(&service.db.url).await?),
        &MasterKey::from_base64(&service.master_key)?,
    );
    let read_models = ReadModelDb::postgres(&service.db.url).await?;
    let with_tags = read_models
        .register(
            Arc::new(GridPopulationProjection::new(Some(vault))),
            service.started.store.clone(),
        )
        .await?;
    // Replays the store, as a fresh deployment of the grids service would.
    with_tags.rebuild(|_| {}).await?;
    let counts = grid_counts(&with_tags, DISTRICT).await?;
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].grid.as_str(), counts[0].residents), (GRID, 1));
    assert_eq!(
        counts[0]
            .tags
            .get(&(pb::NeedsTag::ElderlyLivingAlone as i32)),
        Some(&1)
    );

    // Erasure removes the tag from the grids view too; the head count stays.
    let erase = pb::EraseResidentDataRequest {
        request_id: "erase".into(),
        district: DISTRICT.into(),
        resident_id,
    };
    client
        .erase_resident_data(authorized(erase, &district_admin()?)?)
        .await?;
    with_tags.rebuild(|_| {}).await?;
    let counts = grid_counts(&with_tags, DISTRICT).await?;
    assert_eq!(counts[0].residents, 1);
    assert!(counts[0].tags.is_empty());
    service.stop().await
}
