//! The OCDS export of one project: its releases and the record merged from
//! them, built from the project's own stream (the events are the published
//! history; no read model adds anything to it).

use super::projects::project_stream;
use super::{AppError, PppApp};
use crate::domain::project::ProjectEvent;
use crate::ocds::{PublishedEvent, releases};
use gongzhi_eventstore::{Direction, ReadFrom, StoreErrorKind};
use gongzhi_kernel::{DistrictCode, EventCodec};
use gongzhi_ocds::{Publisher, record_package, release_package};
use uuid::Uuid;

/// Base of the package URIs.
pub const OCDS_BASE_URI: &str = "https://data.gongzhi.example/ocds/ppp";
/// The PPP profile's extensions, merged into its release schema.
pub const PPP_PROFILE: &str =
    "https://standard.open-contracting.org/profiles/ppp/extension/1__0__0__beta4/extension.json";

const PAGE: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsExport {
    pub release_package: String,
    pub record_package: String,
}

impl PppApp {
    /// The documents as JSON values (for tests and tools).
    pub async fn ocds_documents(
        &self,
        district: &DistrictCode,
        project_id: Uuid,
    ) -> Result<(serde_json::Value, serde_json::Value), AppError> {
        let stream = project_stream(project_id)?;
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
                    return Err(AppError::NotFound);
                }
                Err(e) => return Err(e.into()),
            };
            let full = page.len() == PAGE;
            for recorded in page {
                let event = ProjectEvent::decode(&recorded.event_type, &recorded.payload)
                    .map_err(|e| AppError::Corrupt(e.to_string()))?;
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
        match events.first().map(|e| &e.event) {
            Some(ProjectEvent::Identified(e)) if e.district == district.as_str() => {}
            _ => return Err(AppError::NotFound),
        }
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
        let base = format!("{OCDS_BASE_URI}/{district}/{project_id}");
        let releases_uri = format!("{base}/releases.json");
        let releases = releases(&project_id.to_string(), &events);
        let records = record_package(
            &format!("{base}/record.json"),
            &releases_uri,
            &published,
            &publisher,
            &releases,
        );
        let package = release_package(
            &releases_uri,
            &published,
            &publisher,
            &[PPP_PROFILE],
            releases,
        );
        Ok((package, records))
    }

    pub async fn export_ocds(
        &self,
        district: &DistrictCode,
        project_id: Uuid,
    ) -> Result<OcdsExport, AppError> {
        let (package, record) = self.ocds_documents(district, project_id).await?;
        Ok(OcdsExport {
            release_package: package.to_string(),
            record_package: record.to_string(),
        })
    }
}
