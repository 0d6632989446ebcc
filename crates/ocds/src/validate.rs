//! Validation of OCDS documents against the shipped schemas, offline: the
//! schemas name each other by their `standard.open-contracting.org` ids,
//! and a retriever maps every such id to the file in `schema/`.

use jsonschema::{Draft, Retrieve, Uri, Validator};
use serde_json::Value;
use std::path::PathBuf;

/// Schema id prefix -> folder under `schema/`.
const PREFIXES: [(&str, &str); 3] = [
    (
        "https://standard.open-contracting.org/profiles/ppp/schema/1__0__0__beta4/",
        "ppp",
    ),
    (
        "https://standard.open-contracting.org/schema/1__1__5/",
        "1.1.5",
    ),
    // The 1.1.5 record package names the record schema by its 1.2.0 id.
    (
        "https://standard.open-contracting.org/schema/1__2__0/",
        "1.1.5",
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read schema {0}: {1}")]
    Read(String, String),
    #[error("schema does not compile: {0}")]
    Compile(String),
}

struct ShippedSchemas;

fn path_of(uri: &str) -> Option<PathBuf> {
    let uri = uri.split('#').next().unwrap_or(uri);
    PREFIXES.iter().find_map(|(prefix, folder)| {
        uri.strip_prefix(prefix)
            .map(|file| crate::schema_dir().join(folder).join(file))
    })
}

fn load(path: &PathBuf) -> Result<Value, SchemaError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SchemaError::Read(path.display().to_string(), e.to_string()))?;
    serde_json::from_str(&text)
        .map_err(|e| SchemaError::Read(path.display().to_string(), e.to_string()))
}

impl Retrieve for ShippedSchemas {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = path_of(uri.as_str())
            .ok_or_else(|| format!("{} is not a shipped OCDS schema", uri.as_str()))?;
        Ok(load(&path)?)
    }
}

/// Validators of the documents the services publish.
pub struct OcdsValidators {
    ppp_release_package: Validator,
    release_package: Validator,
    record_package: Validator,
}

fn build(folder: &str, file: &str) -> Result<Validator, SchemaError> {
    let schema = load(&crate::schema_dir().join(folder).join(file))?;
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .with_retriever(ShippedSchemas)
        .build(&schema)
        .map_err(|e| SchemaError::Compile(e.to_string()))
}

impl OcdsValidators {
    pub fn new() -> Result<Self, SchemaError> {
        Ok(Self {
            ppp_release_package: build("ppp", "release-package-schema.json")?,
            release_package: build("1.1.5", "release-package-schema.json")?,
            record_package: build("1.1.5", "record-package-schema.json")?,
        })
    }

    /// Every violation of the PPP profile's release package schema.
    pub fn ppp_release_package(&self, document: &Value) -> Vec<String> {
        errors(&self.ppp_release_package, document)
    }

    /// Every violation of the OCDS 1.1.5 release package schema.
    pub fn release_package(&self, document: &Value) -> Vec<String> {
        errors(&self.release_package, document)
    }

    /// Every violation of the OCDS 1.1.5 record package schema.
    pub fn record_package(&self, document: &Value) -> Vec<String> {
        errors(&self.record_package, document)
    }
}

fn errors(validator: &Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Publisher, record_package, release_package};
    use serde_json::json;

    fn publisher() -> Publisher {
        Publisher {
            name: "重庆市南岸区财政局".into(),
            scheme: String::new(),
            uid: String::new(),
        }
    }

    #[test]
    fn packages_are_checked_against_the_shipped_schemas_offline() {
        let validators = OcdsValidators::new().expect("schemas compile");
        let release = json!({
            "ocid": "ocds-gongzhi-1", "id": "ocds-gongzhi-1-01",
            "date": "2027-01-01T00:00:00Z", "tag": ["planning"], "initiationType": "tender",
            "planning": {"project": {"id": "p1", "title": "养老服务中心"}}
        });
        let package = release_package(
            "https://gongzhi.example/ocds/p1/releases",
            "2027-01-02T00:00:00Z",
            &publisher(),
            &[],
            vec![release.clone()],
        );
        assert_eq!(
            validators.ppp_release_package(&package),
            Vec::<String>::new()
        );
        let records = record_package(
            "https://gongzhi.example/ocds/p1/records",
            "https://gongzhi.example/ocds/p1/releases",
            "2027-01-02T00:00:00Z",
            &publisher(),
            &[release],
        );
        assert_eq!(validators.record_package(&records), Vec::<String>::new());
        // A release without its required fields is caught.
        let broken = release_package(
            "https://gongzhi.example/ocds/p1/releases",
            "2027-01-02T00:00:00Z",
            &publisher(),
            &[],
            vec![json!({"ocid": "ocds-gongzhi-1"})],
        );
        assert!(!validators.ppp_release_package(&broken).is_empty());
    }
}
