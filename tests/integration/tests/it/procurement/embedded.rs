//! The procurement read model on SQLite, in `gongzhi dev`: a provider, a
//! catalogue item and a purchase plan are read back through their positions.

use super::*;
use gongzhi_cli::runtime::{DevConfig, start_dev};

#[tokio::test]
async fn the_embedded_mode_plans_a_purchase_and_reads_it_back() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let shutdown = CancellationToken::new();
    let dev = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let url = format!("http://{}", dev.started.addr);
    let mut providers = ProviderServiceClient::connect(url.clone()).await?;
    let mut catalogue = CatalogueServiceClient::connect(url.clone()).await?;
    let mut purchases = PurchaseServiceClient::connect(url).await?;
    let registered = providers
        .register_provider(authorized(
            pb::RegisterProviderRequest {
                request_id: "dev-provider".into(),
                district: DISTRICT.into(),
                social_credit_code: social_credit_code(7)?,
                name: "人民调解中心".into(),
                kind: pb::ProviderKind::SocialOrganisation as i32,
                qualifications: vec!["人民调解员".into()],
                contact: String::new(),
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    catalogue
        .publish_catalogue_item(authorized(
            pb::PublishCatalogueItemRequest {
                request_id: "dev-item".into(),
                district: DISTRICT.into(),
                item_code: "mediation".into(),
                name: "矛盾纠纷调解".into(),
                nature: pb::ServiceNature::PublicService as i32,
                stable: false,
                dispatchable: true,
            },
            &dev.token,
        )?)
        .await?;
    let planned = purchases
        .plan_purchase(authorized(
            pb::PlanPurchaseRequest {
                request_id: "dev-plan".into(),
                district: DISTRICT.into(),
                title: "社区调解服务".into(),
                item_code: "mediation".into(),
                budget_fen: 10_000_000,
                budget_secured: false,
                method: pb::PurchaseMethod::SingleSource as i32,
                justification: "辖区唯一具备资质的调解组织".into(),
                invited_provider_ids: vec![registered.provider_id.clone()],
                price_weight: 100,
                criteria: Vec::new(),
            },
            &dev.token,
        )?)
        .await?
        .into_inner();
    let found = purchases
        .get_purchase(authorized(
            pb::GetPurchaseRequest {
                district: DISTRICT.into(),
                purchase_id: planned.purchase_id.clone(),
                min_position: position(planned.receipt),
            },
            &dev.token,
        )?)
        .await?
        .into_inner()
        .purchase
        .ok_or_else(|| anyhow::anyhow!("no purchase"))?;
    assert_eq!(
        (found.phase.as_str(), found.item_code.as_str()),
        ("PLANNED", "mediation")
    );
    assert_eq!(found.method, pb::PurchaseMethod::SingleSource as i32);
    shutdown.cancel();
    dev.started.task.await?
}
