//! Register -> event in the store -> message on NATS without personal data in
//! clear -> query with read-your-writes; validation; idempotency; duplicates.

use super::*;
use futures::StreamExt;
use gongzhi_eventstore::{Direction, ReadFrom, StreamName};
use tonic::Code;
use tonic_types::StatusExt;

const PERSONAL: [&str; 4] = [ID_NUMBER, NAME, PHONE, DWELLING];

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_registration_travels_sealed_and_reads_back() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let nats = async_nats::connect(shared_nats_url()).await?;
    let mut messages = nats
        .subscribe(format!("{}.residents.>", service.prefix))
        .await?;
    let mut client = service.client().await?;
    let (resident_id, position) = register(&mut client, "reg-1").await?;
    assert!(position > 0);

    // In the store: sealed fields only.
    let stream = StreamName::new("resident", &resident_id)?;
    let stored = service
        .started
        .store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await?;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].event_type,
        "gongzhi.residents.v1.ResidentRegistered"
    );
    for value in PERSONAL {
        assert!(
            !contains(&stored[0].payload, value),
            "stored payload holds {value} in clear"
        );
    }

    // On NATS: CloudEvents headers, nothing personal in payload or headers.
    let message = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(message) = messages.next().await {
            if message
                .subject
                .as_str()
                .ends_with(".resident.ResidentRegistered")
            {
                return Some(message);
            }
        }
        None
    })
    .await?
    .ok_or_else(|| anyhow::anyhow!("subscription ended"))?;
    assert_eq!(
        message.subject.as_str(),
        format!(
            "{}.residents.{DISTRICT}.resident.ResidentRegistered",
            service.prefix
        )
    );
    let headers = message
        .headers
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no headers"))?;
    for name in [
        "ce-specversion",
        "ce-id",
        "ce-source",
        "ce-type",
        "ce-subject",
        "ce-time",
        "ce-datacontenttype",
        "ce-dataschema",
    ] {
        assert!(headers.get(name).is_some(), "missing header {name}");
    }
    assert_eq!(
        headers.get("ce-type").map(|v| v.as_str().to_owned()),
        Some("gongzhi.residents.v1.ResidentRegistered".to_owned())
    );
    for value in PERSONAL {
        assert!(
            !contains(&message.payload, value),
            "NATS payload holds {value} in clear"
        );
        for (name, values) in headers.iter() {
            for header in values {
                assert!(
                    !header.as_str().contains(value),
                    "header {name} holds {value} in clear"
                );
            }
        }
    }

    // Read your write: clear for the district administrator, masked for a worker.
    let get = |token: String| {
        authorized(
            pb::GetResidentRequest {
                district: DISTRICT.into(),
                resident_id: resident_id.clone(),
                min_position: position,
            },
            &token,
        )
    };
    let clear = client
        .get_resident(get(district_admin()?)?)
        .await?
        .into_inner()
        .resident
        .ok_or_else(|| anyhow::anyhow!("no resident"))?;
    assert_eq!(
        (
            clear.name.as_str(),
            clear.id_number.as_str(),
            clear.phone.as_str()
        ),
        (NAME, ID_NUMBER, PHONE)
    );
    assert_eq!(
        (clear.sex, clear.birth_year, clear.grid.as_str()),
        (pb::Sex::Female as i32, 1949, GRID)
    );
    let masked = client
        .get_resident(get(community_worker()?)?)
        .await?
        .into_inner()
        .resident
        .ok_or_else(|| anyhow::anyhow!("no resident"))?;
    assert_eq!(masked.id_number, "110105********002X");
    assert_eq!(masked.phone, "138****5678");
    assert_ne!(masked.name, NAME);
    service.stop().await
}

#[tokio::test]
async fn every_bad_field_gets_its_own_violation_and_nothing_is_written() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let head = service.started.store.head_position().await?;

    let mut bad = registration("bad-1");
    bad.id_number = "11010519491231002Y".into(); // wrong check digit
    bad.community = "500108999999".into(); // no such community
    bad.name = "  ".into();
    bad.dwelling = String::new();
    bad.residency = 0;
    let status = client
        .register_resident(authorized(bad, &district_admin()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("accepted"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut fields: Vec<String> = status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    fields.sort();
    assert_eq!(
        fields,
        vec!["community", "dwelling", "id_number", "name", "residency"]
    );

    // An impossible birth date (1949-02-31) with a correct check character.
    let body = "11010519490231002";
    let check = gongzhi_kernel::ResidentIdNumber::check_char(body)
        .ok_or_else(|| anyhow::anyhow!("no check char"))?;
    let mut impossible = registration("bad-2");
    impossible.id_number = format!("{body}{check}");
    impossible.request_id = String::new();
    let status = client
        .register_resident(authorized(impossible, &district_admin()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("accepted"))?;
    let violations = status
        .get_details_bad_request()
        .map(|b| b.field_violations)
        .unwrap_or_default();
    let mut fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["id_number", "request_id"]);
    assert!(
        violations
            .iter()
            .any(|v| v.field == "id_number" && v.description.contains("birth")),
        "{violations:?}"
    );

    assert_eq!(
        service.started.store.head_position().await?,
        head,
        "refused input wrote nothing"
    );
    service.stop().await
}

#[tokio::test]
async fn a_repeated_request_id_answers_the_first_result_with_one_event() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let first = client
        .register_resident(authorized(registration("same"), &district_admin()?)?)
        .await?
        .into_inner();
    let head = service.started.store.head_position().await?;
    let again = client
        .register_resident(authorized(registration("same"), &district_admin()?)?)
        .await?
        .into_inner();
    assert_eq!(first.resident_id, again.resident_id);
    assert_eq!(
        again.receipt.as_ref().map(|r| (r.position, r.replayed)),
        first.receipt.as_ref().map(|r| (r.position, true))
    );
    assert_eq!(service.started.store.head_position().await?, head);
    let stream = StreamName::new("resident", &first.resident_id)?;
    assert_eq!(
        service
            .started
            .store
            .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
            .await?
            .len(),
        1
    );
    service.stop().await
}

#[tokio::test]
async fn one_id_number_registers_once_per_district() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    register(&mut client, "first").await?;
    let mut second = registration("second");
    second.name = "另一个人".into();
    let status = client
        .register_resident(authorized(second, &district_admin()?)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("accepted"))?;
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(
        status.get_details_error_info().map(|i| i.reason),
        Some("ID_NUMBER_ALREADY_REGISTERED".to_owned())
    );
    // Another district keeps its own registry.
    let mut elsewhere = registration("elsewhere");
    elsewhere.district = OTHER_DISTRICT.into();
    elsewhere.community = "500103001003".into();
    elsewhere.grid = String::new();
    client
        .register_resident(authorized(elsewhere, &city_admin()?)?)
        .await?;
    service.stop().await
}
