//! Owners linked to registered residents, learnt from the residents
//! context's events (relay -> JetStream -> the property reactor's durable
//! consumer), never by calling it. A delivery or transfer naming a resident
//! waits for `resident_min_position` (the registration's position), so no
//! sleeps: an unknown resident is refused and nothing changes; moving away
//! and erasure show in the estate's register by id only.

use super::*;
use gongzhi_proto::gongzhi::residents::v1 as residents;
use gongzhi_proto::gongzhi::residents::v1::resident_service_client::ResidentServiceClient;

/// The last unit of the test estate, still the developer's.
const UNSOLD: &str = "B1-301";

fn admin() -> anyhow::Result<String> {
    token_for("admin", &["district_admin"])
}

async fn register(
    registry: &mut ResidentServiceClient<Channel>,
    n: u32,
) -> anyhow::Result<(String, u64)> {
    let mut request = crate::residents::registration(&format!("register-owner-{n}"));
    request.id_number = crate::residents::id_number(n)?;
    let response = registry
        .register_resident(authorized(request, &admin()?)?)
        .await?
        .into_inner();
    Ok((
        response.resident_id,
        response.receipt.map_or(0, |r| r.position),
    ))
}

fn delivery(
    request_id: &str,
    unit_id: &str,
    estate_id: &str,
    resident_id: &str,
    resident_min_position: u64,
) -> pb::DeliverUnitRequest {
    pb::DeliverUnitRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        estate_id: estate_id.into(),
        unit_id: unit_id.into(),
        owner_id: Uuid::new_v4().to_string(),
        resident_id: resident_id.into(),
        delivered_on: "2026-02-20".into(),
        resident_min_position,
    }
}

fn transfer(
    request_id: &str,
    unit_id: &str,
    estate_id: &str,
    resident_id: &str,
    resident_min_position: u64,
) -> pb::TransferOwnershipRequest {
    pb::TransferOwnershipRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        estate_id: estate_id.into(),
        unit_id: unit_id.into(),
        to_owner_id: Uuid::new_v4().to_string(),
        to_resident_id: resident_id.into(),
        transferred_on: "2026-02-25".into(),
        resident_min_position,
    }
}

async fn estate(c: &mut Clients, estate_id: &str, min_position: u64) -> anyhow::Result<pb::Estate> {
    c.estates
        .get_estate(authorized(
            pb::GetEstateRequest {
                district: DISTRICT.into(),
                estate_id: estate_id.into(),
                min_position,
            },
            &street()?,
        )?)
        .await?
        .into_inner()
        .estate
        .ok_or_else(|| anyhow::anyhow!("GetEstate answers with an estate"))
}

fn unit<'a>(estate: &'a pb::Estate, unit_id: &str) -> anyhow::Result<&'a pb::EstateUnit> {
    estate
        .units
        .iter()
        .find(|u| u.unit_id == unit_id)
        .ok_or_else(|| anyhow::anyhow!("no unit {unit_id}"))
}

fn status(unit: &pb::EstateUnit) -> pb::OwnerResidentStatus {
    pb::OwnerResidentStatus::try_from(unit.owner_resident_status).unwrap_or_default()
}

#[tokio::test]
async fn owners_are_linked_to_residents_the_property_context_has_learnt_of() -> anyhow::Result<()> {
    let service =
        Property::start_hosting(vec![ServiceName::Residents, ServiceName::Property]).await?;
    let url = format!("http://{}", service.started.addr);
    let mut registry = ResidentServiceClient::connect(url).await?;
    let mut c = service.clients().await?;
    let staff = street()?;
    let (estate_id, _, prepared) = delivered_estate(&mut c).await?;
    let (resident, registered) = register(&mut registry, 31).await?;

    // A resident id the residents context never registered is refused,
    // even after waiting for every residents event so far; nothing changes.
    let before = estate(&mut c, &estate_id, prepared).await?;
    let head = service.head().await?;
    let stranger = Uuid::new_v4().to_string();
    let status_of_refusal = refused(
        c.estates
            .deliver_unit(authorized(
                delivery(
                    "deliver-stranger",
                    UNSOLD,
                    &estate_id,
                    &stranger,
                    registered,
                ),
                &staff,
            )?)
            .await,
        Code::FailedPrecondition,
        "RESIDENT_NOT_KNOWN",
    )?;
    assert!(
        status_of_refusal
            .message()
            .contains("resident_min_position"),
        "the refusal says how to retry: {}",
        status_of_refusal.message()
    );
    refused(
        c.estates
            .transfer_ownership(authorized(
                transfer(
                    "transfer-stranger",
                    "B1-101",
                    &estate_id,
                    &stranger,
                    registered,
                ),
                &staff,
            )?)
            .await,
        Code::FailedPrecondition,
        "RESIDENT_NOT_KNOWN",
    )?;
    assert_eq!(service.head().await?, head, "nothing was written");
    assert_eq!(estate(&mut c, &estate_id, prepared).await?, before);

    // The registered resident, once learnt of, takes the unsold unit.
    let delivered = c
        .estates
        .deliver_unit(authorized(
            delivery(
                "deliver-resident",
                UNSOLD,
                &estate_id,
                &resident,
                registered,
            ),
            &staff,
        )?)
        .await?
        .into_inner();
    let now = estate(&mut c, &estate_id, position(delivered.receipt.as_ref())).await?;
    let sold = unit(&now, UNSOLD)?;
    assert_eq!(sold.resident_id, resident);
    assert_eq!(status(sold), pb::OwnerResidentStatus::Registered);
    assert_eq!(
        status(unit(&now, "B1-101")?),
        pb::OwnerResidentStatus::Unspecified,
        "an owner without a resident link has no status"
    );

    // A second resident takes B1-102 by transfer, then moves out.
    let (mover, registered) = register(&mut registry, 32).await?;
    c.estates
        .transfer_ownership(authorized(
            transfer("transfer-mover", "B1-102", &estate_id, &mover, registered),
            &staff,
        )?)
        .await?;
    let moved = registry
        .move_out(authorized(
            residents::MoveOutRequest {
                request_id: "move-out-mover".into(),
                district: DISTRICT.into(),
                resident_id: mover.clone(),
                reason: "搬离本区".into(),
            },
            &admin()?,
        )?)
        .await?
        .into_inner();
    let moved_at = moved.receipt.map_or(0, |r| r.position);
    let now = estate(&mut c, &estate_id, moved_at).await?;
    assert_eq!(
        status(unit(&now, "B1-102")?),
        pb::OwnerResidentStatus::MovedAway
    );
    let head = service.head().await?;
    refused(
        c.estates
            .transfer_ownership(authorized(
                transfer("transfer-to-mover", "B1-201", &estate_id, &mover, moved_at),
                &staff,
            )?)
            .await,
        Code::FailedPrecondition,
        "RESIDENT_MOVED_AWAY",
    )?;
    assert_eq!(service.head().await?, head, "nothing was written");

    // Erasure: the link stays by id only and says so.
    let erased = registry
        .erase_resident_data(authorized(
            residents::EraseResidentDataRequest {
                request_id: "erase-owner".into(),
                district: DISTRICT.into(),
                resident_id: resident.clone(),
            },
            &admin()?,
        )?)
        .await?
        .into_inner();
    let erased_at = erased.receipt.map_or(0, |r| r.position);
    let now = estate(&mut c, &estate_id, erased_at).await?;
    let sold = unit(&now, UNSOLD)?;
    assert_eq!(status(sold), pb::OwnerResidentStatus::Erased);
    assert_eq!(sold.resident_id, resident, "the id stays, nothing else");
    let head = service.head().await?;
    refused(
        c.estates
            .transfer_ownership(authorized(
                transfer(
                    "transfer-to-erased",
                    "B1-201",
                    &estate_id,
                    &resident,
                    erased_at,
                ),
                &staff,
            )?)
            .await,
        Code::FailedPrecondition,
        "RESIDENT_ERASED",
    )?;
    assert_eq!(service.head().await?, head, "nothing was written");

    service.stop().await
}
