//! The city stream: no subjects of its own, one source per district and
//! context. A district's server is its own JetStream domain, so each source
//! names the district stream through that domain's API prefix
//! (`$JS.<domain>.API`), which the leaf node connection carries to the
//! district server. While a district is unreachable its sources stall; when
//! it is back, JetStream resumes each source after the last sequence it
//! copied, so nothing is lost and nothing is copied twice.

use anyhow::{Context, bail};
use async_nats::jetstream::{self, stream};
use gongzhi_bus::BusTopology;
use gongzhi_bus::topology::subject_token;
use gongzhi_kernel::DistrictCode;

pub const DEFAULT_CITY_STREAM: &str = "GONGZHI_CITY";
/// Contexts whose events the city read model counts.
pub const CITY_CONTEXTS: [&str; 2] = ["residents", "grids"];

/// One district's Gongzhi as seen from the city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictSource {
    pub district: DistrictCode,
    /// The JetStream domain of the district's NATS server.
    pub domain: String,
}

impl DistrictSource {
    /// Parses `<district>=<jetstream domain>`, e.g. `500108=d500108`.
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let Some((district, domain)) = raw.split_once('=') else {
            bail!("district source {raw:?} must be <district code>=<jetstream domain>");
        };
        let district = DistrictCode::parse(district.trim())
            .with_context(|| format!("district source {raw:?} has no valid district code"))?;
        let domain = domain.trim();
        let domain_ok = !domain.is_empty()
            && domain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !domain_ok {
            bail!(
                "district source {raw:?}: the jetstream domain must be ascii letters, digits, '_' or '-'"
            );
        }
        Ok(Self {
            district,
            domain: domain.to_owned(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct CityStream {
    pub name: String,
    /// The districts' naming (subject and stream prefixes); the same in
    /// every district.
    pub district_topology: BusTopology,
    pub districts: Vec<DistrictSource>,
}

impl CityStream {
    pub fn new(district_topology: BusTopology, districts: Vec<DistrictSource>) -> Self {
        Self {
            name: DEFAULT_CITY_STREAM.to_owned(),
            district_topology,
            districts,
        }
    }

    /// Each source takes only its district's own subjects, so a district
    /// server is the one origin of its district's events in the city stream
    /// (the city read model keys its checkpoints on that).
    pub fn config(&self) -> stream::Config {
        let topology = &self.district_topology;
        let sources = self
            .districts
            .iter()
            .flat_map(|district| {
                CITY_CONTEXTS.iter().map(move |context| stream::Source {
                    name: topology.context_stream_name(context),
                    filter_subject: Some(format!(
                        "{}.{}.{}.>",
                        topology.subject_prefix,
                        subject_token(context),
                        district.district.as_str()
                    )),
                    external: Some(stream::External {
                        api_prefix: format!("$JS.{}.API", district.domain),
                        delivery_prefix: None,
                    }),
                    ..stream::Source::default()
                })
            })
            .collect();
        stream::Config {
            name: self.name.clone(),
            sources: Some(sources),
            storage: stream::StorageType::File,
            retention: stream::RetentionPolicy::Limits,
            duplicate_window: topology.duplicate_window,
            max_age: topology.max_age,
            num_replicas: topology.stream_replicas,
            ..stream::Config::default()
        }
    }

    /// Creates the city stream or brings its sources up to date (a district
    /// added later starts from its stream's first message).
    pub async fn ensure(&self, jetstream: &jetstream::Context) -> anyhow::Result<stream::Info> {
        self.district_topology.validate()?;
        if self.districts.is_empty() {
            bail!("the city stream needs at least one district source (--district)");
        }
        jetstream
            .create_or_update_stream(self.config())
            .await
            .with_context(|| format!("failed to create or update the city stream {}", self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_district_sources() {
        let source = DistrictSource::parse("500108=d500108").expect("valid");
        assert_eq!(source.district.as_str(), "500108");
        assert_eq!(source.domain, "d500108");
        assert!(DistrictSource::parse("500108").is_err());
        assert!(DistrictSource::parse("abc=d1").is_err());
        assert!(DistrictSource::parse("500108=a.b").is_err());
    }

    #[test]
    fn one_source_per_district_and_context() {
        let districts = ["500108=d1", "500109=d2"]
            .into_iter()
            .map(DistrictSource::parse)
            .collect::<anyhow::Result<Vec<_>>>()
            .expect("valid");
        let config = CityStream::new(BusTopology::default(), districts).config();
        assert!(config.subjects.is_empty());
        let sources = config.sources.unwrap_or_default();
        assert_eq!(sources.len(), 4);
        assert_eq!(sources[0].name, "GONGZHI_RESIDENTS");
        assert_eq!(
            sources[0].filter_subject.as_deref(),
            Some("gongzhi.residents.500108.>")
        );
        assert_eq!(
            sources[3].external.as_ref().map(|e| e.api_prefix.as_str()),
            Some("$JS.d2.API")
        );
    }
}
