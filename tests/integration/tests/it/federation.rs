//! City-level federation against three real nats-servers started here: two
//! districts, each its own JetStream domain with its own PostgreSQL store and
//! relays, linked as leaf nodes to a city server whose `GONGZHI_CITY`-style
//! stream sources both districts' context streams; the `city_metrics` read
//! model is projected from it by a durable consumer.
//!
//! While one district's server is down its new events stay in its store,
//! the other district's numbers keep moving and the stopped district's do
//! not; once it is back the city catches up to exactly the totals written:
//! nothing lost, nothing counted twice.

use crate::relay::{RunningRelay, pg_store};
use crate::support::nats::{NatsServer, connect, free_port, recent_nats_server, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use anyhow::{Context, ensure};
use async_nats::jetstream;
use gongzhi_bus::{BusTopology, RelayConfig};
use gongzhi_cli::city::metrics::{city_totals, wait_for_district};
use gongzhi_cli::city::{CityProjection, CityStream, DistrictMetrics, DistrictSource};
use gongzhi_eventstore::{
    EventData, EventMetadata, ExpectedRevision, PostgresEventStore, SharedEventStore, StreamName,
};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ReadModelDb;
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_proto::gongzhi::residents::v1 as residents;
use prost::Message;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Upper bound of every wait. A restarted district is picked up again when
/// the city retries its sources (JetStream backs off up to a couple of
/// minutes), so this is generous; the test never waits for it to pass.
const CATCH_UP: Duration = Duration::from_secs(180);
const CONTEXTS: [&str; 2] = ["residents", "grids"];

/// What one district writes in one round.
#[derive(Clone, Copy)]
struct Round {
    registered: u32,
    erased: u32,
    reported: u32,
    closed: u32,
}

impl Round {
    fn total(self) -> u32 {
        self.registered + self.erased + self.reported + self.closed
    }
}

struct District {
    code: DistrictCode,
    server: NatsServer,
    _db: TestDb,
    store: SharedEventStore,
    relays: Vec<RunningRelay>,
    /// Last `$all` position written per context, index as [`CONTEXTS`].
    last: [u64; 2],
    written: DistrictMetrics,
}

impl District {
    async fn start(
        code: &str,
        binary: &std::path::Path,
        city_leaf_port: u16,
        topology: &BusTopology,
    ) -> anyhow::Result<Self> {
        // The event subjects are denied on the link both ways: otherwise each
        // district's streams would also capture the other districts' events
        // (stream interest crosses leaf nodes within one account). Sourcing
        // goes through `$JS.<domain>.API` and delivery subjects, not these.
        let prefix = &topology.subject_prefix;
        let config = format!(
            "jetstream {{ domain: d{code} }}\n\
             leafnodes {{ remotes: [ {{ url: \"nats-leaf://127.0.0.1:{city_leaf_port}\", \
             deny_imports: [\"{prefix}.>\"], deny_exports: [\"{prefix}.>\"] }} ] }}\n"
        );
        let server = NatsServer::start_with(binary.to_path_buf(), Some(config)).await?;
        let (db, store) = pg_store().await?;
        let jetstream = jetstream::new(connect(&server.url()).await?);
        let relays = CONTEXTS
            .iter()
            .map(|context| {
                let mut config = RelayConfig::for_context(context);
                config.topology = topology.clone();
                config.ack_timeout = Duration::from_secs(1);
                RunningRelay::spawn(&store, &jetstream, config)
            })
            .collect();
        Ok(Self {
            code: DistrictCode::parse(code)?,
            server,
            _db: db,
            store,
            relays,
            last: [0, 0],
            written: DistrictMetrics {
                district: code.to_owned(),
                ..DistrictMetrics::default()
            },
        })
    }

    fn source(&self) -> DistrictSource {
        DistrictSource {
            district: self.code.clone(),
            domain: format!("d{}", self.code.as_str()),
        }
    }

    /// Appends real residents and grids events of this district, as the
    /// services would, and counts what the city should see.
    async fn write(&mut self, round: Round) -> anyhow::Result<()> {
        let district = self.code.as_str().to_owned();
        for _ in 0..round.registered {
            let id = Uuid::now_v7().to_string();
            let event = residents::ResidentRegistered {
                resident_id: id.clone(),
                district: district.clone(),
                ..Default::default()
            };
            self.append(
                0,
                "resident",
                &id,
                "gongzhi.residents.v1.ResidentRegistered",
                &event,
            )
            .await?;
            self.written.residents_registered += 1;
        }
        for _ in 0..round.erased {
            let id = Uuid::now_v7().to_string();
            let event = residents::ResidentDataErased {
                resident_id: id.clone(),
                district: district.clone(),
                erased_by: "federation-test".to_owned(),
            };
            self.append(
                0,
                "resident",
                &id,
                "gongzhi.residents.v1.ResidentDataErased",
                &event,
            )
            .await?;
            self.written.residents_erased += 1;
        }
        for _ in 0..round.reported {
            let id = Uuid::now_v7().to_string();
            let event = grids::CaseReported {
                case_id: id.clone(),
                district: district.clone(),
                ..Default::default()
            };
            self.append(1, "case", &id, "gongzhi.grids.v1.CaseReported", &event)
                .await?;
            self.written.cases_reported += 1;
        }
        for _ in 0..round.closed {
            let id = Uuid::now_v7().to_string();
            let event = grids::CaseClosed {
                case_id: id.clone(),
                district: district.clone(),
                ..Default::default()
            };
            self.append(1, "case", &id, "gongzhi.grids.v1.CaseClosed", &event)
                .await?;
            self.written.cases_closed += 1;
        }
        Ok(())
    }

    async fn append(
        &mut self,
        context: usize,
        category: &str,
        id: &str,
        event_type: &str,
        payload: &impl Message,
    ) -> anyhow::Result<()> {
        let data = EventData {
            event_id: Uuid::now_v7(),
            event_type: event_type.to_owned(),
            payload: payload.encode_to_vec(),
            metadata: EventMetadata::new(Some(self.code.clone()), "federation-test"),
        };
        let appended = self
            .store
            .append(
                &StreamName::new(category, id)?,
                ExpectedRevision::NoStream,
                vec![data],
            )
            .await
            .with_context(|| format!("failed to append {event_type}"))?;
        self.last[context] = appended.position;
        Ok(())
    }

    /// Waits until both relays published everything written.
    async fn published(&mut self) -> anyhow::Result<()> {
        for (relay, last) in self.relays.iter_mut().zip(self.last) {
            relay.reached(last).await?;
        }
        Ok(())
    }

    /// Waits until the city read model applied everything written here;
    /// on failure says where the events stopped.
    async fn counted_by(
        &self,
        city: &CityProjection,
        stream: &mut jetstream::stream::Stream,
    ) -> anyhow::Result<()> {
        for (context, last) in CONTEXTS.iter().zip(self.last) {
            if let Err(error) =
                wait_for_district(&city.handle, context, self.code.as_str(), last, CATCH_UP).await
            {
                let info = stream.info().await?;
                anyhow::bail!(
                    "city did not count district {} {context} up to {last}: {error}\ncheckpoints: {:?}\ncity stream: {:?}\nsources: {:#?}",
                    self.code.as_str(),
                    city.handle.checkpoints().await?,
                    info.state,
                    info.sources
                );
            }
        }
        Ok(())
    }

    async fn stop(self) -> anyhow::Result<()> {
        for relay in self.relays {
            relay.stop().await?;
        }
        Ok(())
    }
}

async fn totals(city: &CityProjection) -> anyhow::Result<Vec<DistrictMetrics>> {
    Ok(city_totals(&city.handle).await?)
}

#[tokio::test]
async fn city_stream_sources_two_districts_and_catches_up_after_an_outage() -> anyhow::Result<()> {
    let binary = recent_nats_server()?;
    let topology = BusTopology::with_prefix(&unique_prefix());
    let leaf_port = free_port()?;
    let city_server = NatsServer::start_with(
        binary.clone(),
        Some(format!(
            "jetstream {{ domain: city }}\nleafnodes {{ listen: \"127.0.0.1:{leaf_port}\" }}\n"
        )),
    )
    .await?;
    let mut a = District::start("500108", &binary, leaf_port, &topology).await?;
    let mut b = District::start("500109", &binary, leaf_port, &topology).await?;

    let city_db = fresh_database().await?;
    let city_store = PostgresEventStore::new(city_db.pool.clone());
    city_store.migrate().await?;
    let read_models = ReadModelDb::postgres(&city_db.url).await?;
    let city_jetstream = jetstream::new(connect(&city_server.url()).await?);
    let stream = CityStream::new(topology.clone(), vec![a.source(), b.source()]);
    let city = CityProjection::start(
        city_jetstream.clone(),
        &stream,
        &read_models,
        Arc::new(city_store),
        "city-metrics",
    )
    .await?;
    let mut city_stream = city_jetstream.get_stream(&stream.name).await?;

    // Round 1: both districts up.
    a.write(Round {
        registered: 5,
        erased: 1,
        reported: 3,
        closed: 1,
    })
    .await?;
    b.write(Round {
        registered: 2,
        erased: 0,
        reported: 4,
        closed: 2,
    })
    .await?;
    a.published().await?;
    b.published().await?;
    a.counted_by(&city, &mut city_stream).await?;
    b.counted_by(&city, &mut city_stream).await?;
    assert_eq!(
        totals(&city).await?,
        vec![a.written.clone(), b.written.clone()]
    );
    let b_before_outage = b.written.clone();

    // Round 2: district 500109's server is down. Its events stay in its
    // store; 500108 keeps flowing.
    b.server.stop()?;
    let outage = Round {
        registered: 3,
        erased: 1,
        reported: 2,
        closed: 1,
    };
    b.write(outage).await?;
    a.write(Round {
        registered: 1,
        erased: 0,
        reported: 1,
        closed: 1,
    })
    .await?;
    a.published().await?;
    a.counted_by(&city, &mut city_stream).await?;
    // The server being down, 500109's new events cannot have left its store.
    assert_eq!(
        totals(&city).await?,
        vec![a.written.clone(), b_before_outage]
    );

    // Back up: the relay publishes the backlog, the city source resumes.
    let restarted = Instant::now();
    b.server.start().await?;
    b.published().await?;
    b.counted_by(&city, &mut city_stream).await?;
    eprintln!(
        "district 500109 caught up in the city {:?} after its server restarted ({} events)",
        restarted.elapsed(),
        outage.total()
    );
    assert_eq!(
        totals(&city).await?,
        vec![a.written.clone(), b.written.clone()]
    );

    // Exactly once: the city stream holds every event written, no more.
    let written = [&a.written, &b.written]
        .iter()
        .map(|w| w.residents_registered + w.residents_erased + w.cases_reported + w.cases_closed)
        .sum::<i64>();
    let held = city_stream.info().await?.state.messages;
    ensure!(
        i64::try_from(held)? == written,
        "city stream holds {held} messages for {written} events written"
    );
    ensure!(
        city.stats.dead_letters() == 0,
        "no city event was dead-lettered"
    );

    city.stop().await?;
    a.stop().await?;
    b.stop().await?;
    Ok(())
}
