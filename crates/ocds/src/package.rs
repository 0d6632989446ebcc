//! Release and record packages.

use crate::{OCDS_VERSION, compile};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub name: String,
    /// The publisher's identifier scheme, e.g. `CN-USCC` for a unified
    /// social credit code; may be empty.
    pub scheme: String,
    pub uid: String,
}

impl Publisher {
    fn json(&self) -> Value {
        let mut publisher = Map::new();
        publisher.insert("name".into(), Value::String(self.name.clone()));
        if !self.scheme.is_empty() {
            publisher.insert("scheme".into(), Value::String(self.scheme.clone()));
            publisher.insert("uid".into(), Value::String(self.uid.clone()));
        }
        Value::Object(publisher)
    }
}

/// An OCDS release package of `releases`, published at `published_date`
/// (RFC 3339) under the package `uri`.
pub fn release_package(
    uri: &str,
    published_date: &str,
    publisher: &Publisher,
    extensions: &[&str],
    releases: Vec<Value>,
) -> Value {
    let mut package = json!({
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published_date,
        "publisher": publisher.json(),
        "releases": releases,
    });
    if !extensions.is_empty() {
        package["extensions"] = json!(extensions);
    }
    package
}

/// An OCDS record package: one record per `ocid` among `releases`, each
/// linking its releases in the release package at `package_uri` and
/// carrying the compiled release merged from them.
pub fn record_package(
    uri: &str,
    package_uri: &str,
    published_date: &str,
    publisher: &Publisher,
    releases: &[Value],
) -> Value {
    let mut by_ocid: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for release in releases {
        let ocid = release
            .get("ocid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        by_ocid
            .entry(ocid.to_owned())
            .or_default()
            .push(release.clone());
    }
    let records: Vec<Value> = by_ocid
        .into_iter()
        .map(|(ocid, mut releases)| {
            releases.sort_by_key(|r| r.get("date").and_then(Value::as_str).unwrap_or_default().to_owned());
            let linked: Vec<Value> = releases
                .iter()
                .map(|r| {
                    json!({
                        "url": format!("{package_uri}#{}", r.get("id").and_then(Value::as_str).unwrap_or_default()),
                        "date": r.get("date").cloned().unwrap_or(Value::Null),
                        "tag": r.get("tag").cloned().unwrap_or(Value::Null),
                    })
                })
                .collect();
            json!({
                "ocid": ocid,
                "releases": linked,
                "compiledRelease": compile(&releases),
            })
        })
        .collect();
    json!({
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published_date,
        "publisher": publisher.json(),
        "packages": [package_uri],
        "records": records,
    })
}
