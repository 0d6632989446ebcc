//! The service list and service definitions, from the category catalogue.

use super::Open311State;
use super::error::Open311Error;
use crate::domain::calendar::{CaseCategory, CategoryCatalogue};
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

/// One service per catalogued category; `None` if the catalogue lacks it.
pub(super) fn service(catalogue: &CategoryCatalogue, category: &CaseCategory) -> Option<Value> {
    let (major, minor) = catalogue.names_of(category)?;
    let kind = match category.kind() {
        crate::domain::calendar::CategoryKind::Component => "部件",
        crate::domain::calendar::CategoryKind::Event => "事件",
    };
    let keywords = [kind, major, minor].join(",");
    Some(json!({
        "service_code": category.to_string(),
        "service_name": minor,
        "description": format!("{kind} · {major} · {minor}"),
        "metadata": false,
        "type": "realtime",
        "keywords": keywords,
        "group": major,
    }))
}

pub(super) async fn list(State(state): State<Open311State>) -> Json<Value> {
    let services: Vec<Value> = state
        .catalogue
        .categories()
        .iter()
        .filter_map(|category| service(&state.catalogue, category))
        .collect();
    Json(Value::Array(services))
}

/// The catalogued category named by `raw`, or a 400/404 saying why not.
pub(super) fn known(
    catalogue: &CategoryCatalogue,
    raw: &str,
) -> Result<CaseCategory, Open311Error> {
    let category = CaseCategory::parse(raw).map_err(|_| {
        Open311Error::bad_request(format!(
            "service_code {raw:?} is not a service code such as event/01/01"
        ))
    })?;
    if !catalogue.contains(&category) {
        return Err(Open311Error::bad_request(format!(
            "service_code {raw} is not an offered service"
        )));
    }
    Ok(category)
}

pub(super) async fn one(
    State(state): State<Open311State>,
    Path(file): Path<String>,
) -> Result<Json<Value>, Open311Error> {
    let Some(code) = file.strip_suffix(".json") else {
        return Err(Open311Error::not_found("only .json is served"));
    };
    let category = known(&state.catalogue, code)
        .map_err(|_| Open311Error::not_found(format!("no service {code}")))?;
    Ok(Json(json!({
        "service_code": category.to_string(),
        "attributes": [],
    })))
}
