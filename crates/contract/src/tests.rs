use super::*;
use std::path::PathBuf;

fn descriptors() -> Result<FileDescriptorSet, ContractError> {
    Ok(FileDescriptorSet::decode(
        gongzhi_proto::FILE_DESCRIPTOR_SET,
    )?)
}

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/asyncapi.yaml")
}

/// `GONGZHI_BLESS=1` rewrites the committed document (scripts/asyncapi does).
#[test]
fn committed_document_is_the_generated_one() -> Result<(), Box<dyn std::error::Error>> {
    let generated = asyncapi_yaml()?;
    let path = committed_path();
    if std::env::var_os("GONGZHI_BLESS").is_some() {
        std::fs::write(&path, &generated)?;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/asyncapi.yaml is out of date with proto/ or crates/bus: run scripts/asyncapi"
    );
    Ok(())
}

#[test]
fn events_are_found_and_their_parts_are_not() -> Result<(), ContractError> {
    let names: Vec<String> = event_messages(&descriptors()?)
        .into_iter()
        .map(|e| e.full_name)
        .collect();
    for event in [
        "gongzhi.platform.v1.NoticePublished",
        "gongzhi.residents.v1.ResidentRegistered",
        "gongzhi.residents.v1.RatingGiven",
        "gongzhi.grids.v1.CaseReported",
        "gongzhi.grids.v1.GridDefined",
    ] {
        assert!(names.iter().any(|n| n == event), "{event} missing");
    }
    for part in [
        "gongzhi.grids.v1.CaseLocation",
        "gongzhi.platform.v1.CommandReceipt",
    ] {
        assert!(!names.iter().any(|n| n == part), "{part} is not an event");
    }
    Ok(())
}

#[test]
fn every_event_message_has_a_channel_message_and_a_full_schema() -> Result<(), ContractError> {
    let set = descriptors()?;
    let document = asyncapi(&set, &BusTopology::default())?;
    for event in event_messages(&set) {
        let channel = &document["channels"][&event.context];
        assert_eq!(
            channel["address"],
            format!(
                "gongzhi.{}.{{district}}.{{aggregate}}.{{eventType}}",
                event.context
            )
        );
        let types = channel["parameters"]["eventType"]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            types.contains(&Value::String(event.name.clone())),
            "{}",
            event.name
        );
        let message =
            &document["components"]["messages"][format!("{}.{}", event.context, event.name)];
        assert_eq!(message["payload"]["schemaFormat"], PROTOBUF_SCHEMA_FORMAT);
        let schema = message["payload"]["schema"].as_str().unwrap_or_default();
        assert!(
            schema.contains(&format!("\nmessage {} {{", event.name)),
            "{} schema: {schema}",
            event.name
        );
    }
    assert_eq!(
        document["channels"]["dlq"]["address"],
        "gongzhi.dlq.{durable}"
    );
    Ok(())
}

#[test]
fn a_payload_schema_carries_the_types_it_uses() -> Result<(), ContractError> {
    let set = descriptors()?;
    let source = Catalog::new(&set).render(".gongzhi.grids.v1.CaseReported")?;
    assert!(source.starts_with("syntax = \"proto3\";\n\n"));
    assert!(source.contains("\nmessage CaseLocation {"), "{source}");
    assert!(source.contains("\nenum CaseUrgency {"), "{source}");
    Ok(())
}
