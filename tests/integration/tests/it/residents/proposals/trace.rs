//! One trace across services: a resident's street complaint (residents,
//! gRPC), the grid case it opens (grids, through a NATS consumer) and the
//! case coming back to the complaint (residents, through NATS again). Each
//! hop is a child of the span that wrote the event it reacts to, and every
//! span reaches an in-process OTLP receiver.

use super::*;
use crate::telemetry::{Collector, hex};
use gongzhi_cli::runtime::start_serve;
use gongzhi_eventstore::{RecordedEvent, SharedEventStore};
use gongzhi_grids::reactors::COMPLAINT_CASES;
use gongzhi_projections::ProjectionHandle;
use gongzhi_residents::reactors::COMPLAINT_OUTCOMES;
use gongzhi_telemetry::{LogFormat, TelemetryConfig};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use std::collections::HashMap;

const PROPOSAL_RAISED: &str = "gongzhi.residents.v1.ProposalRaised";
const CASE_REPORTED: &str = "gongzhi.grids.v1.CaseReported";
const BUS_WAIT: Duration = Duration::from_secs(30);
const ANY_LOCAL_PORT: std::net::SocketAddr =
    std::net::SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

#[tokio::test]
async fn a_complaint_and_its_grid_case_form_one_trace() -> anyhow::Result<()> {
    let collector = Collector::start().await?;
    let telemetry = gongzhi_telemetry::init(TelemetryConfig {
        service_name: "trace-across-it".to_owned(),
        otlp_endpoint: Some(format!("http://{}", collector.addr)),
        log_format: LogFormat::Text,
        filter: Some("warn".to_owned()),
    })?;

    // Residents and grids as two deployments: one database, one bus, each
    // hosting its own services, relays and consumers.
    let db = fresh_database().await?;
    crate::support::nats::connect(&shared_nats_url()).await?;
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
    let serve = |services: Vec<ServiceName>, master_key: Option<String>| ServeConfig {
        services,
        database_url: db.url.clone(),
        nats_url: shared_nats_url(),
        subject_prefix: prefix.clone(),
        listen: ANY_LOCAL_PORT,
        http_listen: ANY_LOCAL_PORT,
        jwt_secret: SECRET.to_vec(),
        master_key,
        max_wait: Duration::from_secs(30),
        drain_timeout: Duration::from_secs(5),
        consumer_prefix: prefix.clone(),
        stream_replicas: 1,
        esdb: None,
    };
    let master_key = MasterKey::generate()?.expose_base64();
    let residents = start_serve(
        serve(vec![ServiceName::Residents], Some(master_key)),
        shutdown.clone(),
    )
    .await?;
    let grids = start_serve(serve(vec![ServiceName::Grids], None), shutdown.clone()).await?;

    let mut registry = ResidentServiceClient::connect(format!("http://{}", residents.addr)).await?;
    let (resident, _) = register_nth(&mut registry, 1).await?;
    let mut proposals =
        ProposalServiceClient::connect(format!("http://{}", residents.addr)).await?;
    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let caller_span = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    let mut request = authorized(
        complaint_request("traced-lamp", &resident, "路灯不亮"),
        &resident_token(&resident)?,
    )?;
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{trace_id}-{caller_span}-01").parse()?,
    );
    let raised = proposals.raise_proposal(request).await?.into_inner();
    let raised_at = raised.receipt.map_or(0, |r| r.position);

    // Grids takes the complaint from NATS and opens a case; residents takes
    // the case from NATS and links it to the complaint.
    projection(&grids.projections, COMPLAINT_CASES)?
        .wait_for(raised_at, BUS_WAIT)
        .await?;
    let case_reported = first_event(&grids.store, CASE_REPORTED).await?;
    projection(&residents.projections, COMPLAINT_OUTCOMES)?
        .wait_for(case_reported.position, BUS_WAIT)
        .await?;
    let proposal_raised = first_event(&residents.store, PROPOSAL_RAISED).await?;

    // Every span has ended once both are down; the exporter sends them all.
    shutdown.cancel();
    residents.task.await??;
    grids.task.await??;
    telemetry.shutdown().await;
    let spans: Vec<Span> = collector
        .finish()
        .await?
        .into_iter()
        .map(|(_, span)| span)
        .filter(|span| hex(&span.trace_id) == trace_id)
        .collect();
    let trace = Trace::new(&spans);

    // 1. The residents server span continues the caller's trace.
    let server = trace.named("gongzhi.residents.v1.ProposalService/RaiseProposal")?;
    assert_eq!(hex(&server.parent_span_id), caller_span);
    // 2. The event carries the command's span, which hangs under the server span.
    let raised_by = span_in(&proposal_raised, &trace_id)?;
    assert!(
        trace.descends(&raised_by, &hex(&server.span_id)),
        "{trace:?}"
    );
    // 3. Grids' consumer applies it as a child of that span (NATS headers).
    let opened = trace.applying(COMPLAINT_CASES, PROPOSAL_RAISED)?;
    assert_eq!(hex(&opened.parent_span_id), raised_by);
    // 4. The case grids wrote carries the consumer's span onward...
    let reported_by = span_in(&case_reported, &trace_id)?;
    assert!(
        trace.descends(&reported_by, &hex(&opened.span_id)),
        "{trace:?}"
    );
    // 5. ...and residents applies the case as its child: one trace, round trip.
    let linked = trace.applying(COMPLAINT_OUTCOMES, CASE_REPORTED)?;
    assert_eq!(hex(&linked.parent_span_id), reported_by);
    Ok(())
}

fn projection(handles: &[ProjectionHandle], name: &str) -> anyhow::Result<ProjectionHandle> {
    handles
        .iter()
        .find(|p| p.name() == name)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no projection {name}"))
}

async fn first_event(store: &SharedEventStore, event_type: &str) -> anyhow::Result<RecordedEvent> {
    store
        .read_all(0, &AllFilter::everything(), 100_000)
        .await?
        .into_iter()
        .find(|e| e.event_type == event_type)
        .ok_or_else(|| anyhow::anyhow!("no {event_type} in the store"))
}

/// The span id of the event's `traceparent`, which must be in `trace_id`.
fn span_in(event: &RecordedEvent, trace_id: &str) -> anyhow::Result<String> {
    let traceparent = event.metadata.traceparent.clone().unwrap_or_default();
    let parts: Vec<&str> = traceparent.split('-').collect();
    anyhow::ensure!(
        parts.len() == 4 && parts[1] == trace_id,
        "{} carries {traceparent:?}, not trace {trace_id}",
        event.event_type
    );
    Ok(parts[2].to_owned())
}

/// The spans of one trace, by id.
struct Trace<'a> {
    spans: Vec<&'a Span>,
    parents: HashMap<String, String>,
}

impl std::fmt::Debug for Trace<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for span in &self.spans {
            writeln!(
                f,
                "{} <- {} {} {:?}",
                hex(&span.span_id),
                hex(&span.parent_span_id),
                span.name,
                attribute(span, "projection")
            )?;
        }
        Ok(())
    }
}

impl<'a> Trace<'a> {
    fn new(spans: &'a [Span]) -> Self {
        Self {
            parents: spans
                .iter()
                .map(|s| (hex(&s.span_id), hex(&s.parent_span_id)))
                .collect(),
            spans: spans.iter().collect(),
        }
    }

    fn named(&self, name: &str) -> anyhow::Result<&'a Span> {
        self.spans
            .iter()
            .copied()
            .find(|s| s.name == name)
            .ok_or_else(|| anyhow::anyhow!("no span {name} in\n{self:?}"))
    }

    /// The apply span of `projection` for an event of `event_type`.
    fn applying(&self, projection: &str, event_type: &str) -> anyhow::Result<&'a Span> {
        self.spans
            .iter()
            .copied()
            .find(|s| {
                s.name == "projection.apply"
                    && attribute(s, "projection").as_deref() == Some(projection)
                    && attribute(s, "event_type").as_deref() == Some(event_type)
            })
            .ok_or_else(|| anyhow::anyhow!("{projection} applied no {event_type} in\n{self:?}"))
    }

    /// Whether `span` is `ancestor` or below it.
    fn descends(&self, span: &str, ancestor: &str) -> bool {
        let mut current = span.to_owned();
        for _ in 0..self.parents.len() + 1 {
            if current == ancestor {
                return true;
            }
            match self.parents.get(&current) {
                Some(parent) => current = parent.clone(),
                None => return false,
            }
        }
        false
    }
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.as_ref())
        .and_then(|v| match &v.value {
            Some(Value::StringValue(s)) => Some(s.clone()),
            _ => None,
        })
}
