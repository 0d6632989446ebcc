//! The OCDS merge routine: many releases of one process to one compiled
//! release.

use serde_json::{Map, Value};

/// Merges `releases` (all of one `ocid`) into the compiled release. The
/// releases are taken in `date` order (RFC 3339 strings in UTC compare as
/// text); a release with the same date as an earlier one wins over it.
pub fn compile(releases: &[Value]) -> Value {
    let mut ordered: Vec<&Value> = releases.iter().collect();
    ordered.sort_by_key(|r| {
        r.get("date")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    });
    let mut compiled = Map::new();
    for release in ordered {
        if let Value::Object(fields) = release {
            merge_object(&mut compiled, fields);
        }
    }
    let ocid = compiled
        .get("ocid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let date = compiled
        .get("date")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    compiled.insert(
        "id".into(),
        Value::String(format!("{ocid}-compiled-{date}")),
    );
    compiled.insert(
        "tag".into(),
        Value::Array(vec![Value::String("compiled".into())]),
    );
    Value::Object(compiled)
}

fn merge_object(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (key, value) in from {
        match value {
            Value::Null => {
                into.remove(key);
            }
            Value::Object(fields) => match into.get_mut(key) {
                Some(Value::Object(existing)) => merge_object(existing, fields),
                _ => {
                    let mut fresh = Map::new();
                    merge_object(&mut fresh, fields);
                    into.insert(key.clone(), Value::Object(fresh));
                }
            },
            Value::Array(items) if identified(items) => {
                let mut merged = match into.remove(key) {
                    Some(Value::Array(existing)) if identified(&existing) => existing,
                    _ => Vec::new(),
                };
                for item in items {
                    merge_item(&mut merged, item);
                }
                into.insert(key.clone(), Value::Array(merged));
            }
            other => {
                into.insert(key.clone(), other.clone());
            }
        }
    }
}

/// Arrays whose items are all objects with an `id` merge by `id`.
fn identified(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|item| item.get("id").is_some())
}

fn merge_item(merged: &mut Vec<Value>, item: &Value) {
    let (Some(id), Value::Object(fields)) = (item.get("id"), item) else {
        return;
    };
    match merged.iter_mut().find(|m| m.get("id") == Some(id)) {
        Some(Value::Object(existing)) => merge_object(existing, fields),
        _ => {
            let mut fresh = Map::new();
            merge_object(&mut fresh, fields);
            merged.push(Value::Object(fresh));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn later_releases_win_and_identified_items_merge_by_id() {
        let first = json!({
            "ocid": "ocds-x-1", "id": "1", "date": "2027-01-01T00:00:00Z", "tag": ["planning"],
            "planning": {"rationale": "a", "milestones": [{"id": "m1", "status": "scheduled"}]},
            "parties": [{"id": "p1", "name": "甲", "roles": ["buyer"]}],
            "language": "zh"
        });
        let second = json!({
            "ocid": "ocds-x-1", "id": "2", "date": "2027-06-01T00:00:00Z", "tag": ["contract"],
            "planning": {"milestones": [{"id": "m1", "status": "met"}, {"id": "m2"}]},
            "parties": [{"id": "p2", "name": "乙", "roles": ["supplier"]}],
            "language": null
        });
        // Order in the slice does not matter: dates do.
        let compiled = compile(&[second, first]);
        assert_eq!(compiled["tag"], json!(["compiled"]));
        assert_eq!(compiled["date"], json!("2027-06-01T00:00:00Z"));
        assert_eq!(compiled["planning"]["rationale"], json!("a"));
        assert_eq!(
            compiled["planning"]["milestones"],
            json!([{"id": "m1", "status": "met"}, {"id": "m2"}])
        );
        assert_eq!(compiled["parties"].as_array().map(Vec::len), Some(2));
        assert!(compiled.get("language").is_none());
        assert_eq!(
            compiled["id"],
            json!("ocds-x-1-compiled-2027-06-01T00:00:00Z")
        );
    }

    #[test]
    fn plain_arrays_are_replaced() {
        let a = json!({"ocid": "o", "date": "1", "x": ["a", "b"]});
        let b = json!({"ocid": "o", "date": "2", "x": ["c"]});
        assert_eq!(compile(&[a, b])["x"], json!(["c"]));
    }
}
