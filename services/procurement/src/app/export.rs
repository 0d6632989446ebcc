//! The OCDS export of one purchase: its releases and the record merged
//! from them, built from the purchase's own stream (the published history)
//! and the streams of the providers it names (their names and codes).

use super::{AppError, PROVIDER_CATEGORY, PURCHASE_CATEGORY, ProcurementApp};
use crate::domain::provider::{Provider, ProviderState};
use crate::domain::purchase::{PurchaseError, PurchaseEvent};
use crate::ocds::{Organisation, PublishedEvent, releases};
use gongzhi_eventstore::{Direction, ReadFrom, StoreError, StoreErrorKind, StreamName};
use gongzhi_kernel::{DistrictCode, EventCodec};
use gongzhi_ocds::{Publisher, record_package, release_package};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Base of the package URIs.
pub const OCDS_BASE_URI: &str = "https://data.gongzhi.example/ocds/procurement";

const PAGE: usize = 1_000;

pub type ExportError = AppError<PurchaseError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsExport {
    pub release_package: String,
    pub record_package: String,
}

impl ProcurementApp {
    async fn published(&self, purchase_id: Uuid) -> Result<Vec<PublishedEvent>, ExportError> {
        let stream = StreamName::new(PURCHASE_CATEGORY, purchase_id).map_err(StoreError::from)?;
        let mut events = Vec::new();
        let mut from = ReadFrom::Start;
        loop {
            let page = match self
                .store
                .read_stream(&stream, Direction::Forward, from, PAGE)
                .await
            {
                Ok(page) => page,
                Err(e) if e.kind() == StoreErrorKind::StreamNotFound => {
                    return Err(AppError::NotFound("purchase"));
                }
                Err(e) => return Err(e.into()),
            };
            let full = page.len() == PAGE;
            for recorded in page {
                let event = PurchaseEvent::decode(&recorded.event_type, &recorded.payload)?;
                from = ReadFrom::Revision(recorded.revision + 1);
                events.push(PublishedEvent {
                    event,
                    revision: recorded.revision,
                    recorded_at: recorded.recorded_at,
                });
            }
            if !full {
                break;
            }
        }
        Ok(events)
    }

    /// The providers a purchase names, from their own streams.
    async fn organisations(
        &self,
        events: &[PublishedEvent],
    ) -> Result<BTreeMap<String, Organisation>, ExportError> {
        let mut organisations = BTreeMap::new();
        for published in events {
            let provider_id = match &published.event {
                PurchaseEvent::BidSubmitted(e) => &e.provider_id,
                PurchaseEvent::Awarded(e) => &e.provider_id,
                _ => continue,
            };
            let Ok(id) = Uuid::parse_str(provider_id) else {
                continue;
            };
            if organisations.contains_key(provider_id) {
                continue;
            }
            if let ProviderState::Present(facts) = self
                .state::<Provider, PurchaseError>(PROVIDER_CATEGORY, id)
                .await?
            {
                organisations.insert(
                    provider_id.clone(),
                    Organisation {
                        name: facts.name,
                        social_credit_code: facts.code,
                    },
                );
            }
        }
        Ok(organisations)
    }

    /// The documents as JSON values (for tests and tools). Another
    /// district's purchase is not found.
    pub async fn ocds_documents(
        &self,
        district: &DistrictCode,
        purchase_id: Uuid,
    ) -> Result<(serde_json::Value, serde_json::Value), ExportError> {
        let events = self.published(purchase_id).await?;
        match events.first().map(|e| &e.event) {
            Some(PurchaseEvent::Planned(e)) if e.district == district.as_str() => {}
            _ => return Err(AppError::NotFound("purchase")),
        }
        let organisations = self.organisations(&events).await?;
        // Published as of its last step, so an export is the same until
        // the purchase moves on.
        let published = events
            .last()
            .map(|e| e.recorded_at)
            .unwrap_or_else(|| self.now())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let publisher = Publisher {
            name: format!("{district} 区财政局"),
            scheme: String::new(),
            uid: String::new(),
        };
        let base = format!("{OCDS_BASE_URI}/{district}/{purchase_id}");
        let releases_uri = format!("{base}/releases.json");
        let releases = releases(&purchase_id.to_string(), &events, &organisations);
        let records = record_package(
            &format!("{base}/record.json"),
            &releases_uri,
            &published,
            &publisher,
            &releases,
        );
        let package = release_package(&releases_uri, &published, &publisher, &[], releases);
        Ok((package, records))
    }

    pub async fn export_ocds(
        &self,
        district: &DistrictCode,
        purchase_id: Uuid,
    ) -> Result<OcdsExport, ExportError> {
        let (package, record) = self.ocds_documents(district, purchase_id).await?;
        Ok(OcdsExport {
            release_package: package.to_string(),
            record_package: record.to_string(),
        })
    }
}
