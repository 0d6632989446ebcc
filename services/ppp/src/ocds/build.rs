use super::OCID_PREFIX;
use crate::domain::project::ProjectEvent;
use chrono::{DateTime, Utc};
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use serde_json::{Value, json};

/// A project event as stored: what happened, where and when.
pub struct PublishedEvent {
    pub event: ProjectEvent,
    pub revision: u64,
    pub recorded_at: DateTime<Utc>,
}

/// Fen to yuan for the JSON document. OCDS amounts are JSON numbers; every
/// amount below 2^53 fen is exact to the fen as a double.
fn value(fen: u64) -> Value {
    #[allow(clippy::cast_precision_loss)]
    let yuan = fen as f64 / 100.0;
    json!({"amount": yuan, "currency": "CNY"})
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A date `YYYY-MM-DD` as the start of that day in UTC.
fn day(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

fn year(period: i32) -> Value {
    json!({
        "startDate": format!("{period:04}-01-01T00:00:00Z"),
        "endDate": format!("{period:04}-12-31T23:59:59Z"),
    })
}

fn buyer_id(district: &str) -> String {
    format!("CN-DISTRICT-{district}")
}

fn milestone(
    id: &str,
    title: &str,
    kind: &str,
    met: bool,
    date: &str,
    description: String,
) -> Value {
    json!({
        "id": id,
        "title": title,
        "type": kind,
        "status": if met { "met" } else { "notMet" },
        "dateMet": if met { Value::String(date.to_owned()) } else { Value::Null },
        "description": description,
    })
}

fn allocation(bearer: i32) -> (&'static str, &'static str) {
    match pb::RiskBearer::try_from(bearer) {
        Ok(pb::RiskBearer::Public) => ("publicAuthority", ""),
        Ok(pb::RiskBearer::Private) => ("privateParty", ""),
        // The closed codelist has no "shared": say so in the notes.
        _ => (
            "undefined",
            "shared between the public authority and the private party",
        ),
    }
}

fn kind_title(kind: i32) -> &'static str {
    match pb::KpiKind::try_from(kind) {
        Ok(pb::KpiKind::Availability) => "availability (basis points of the period)",
        Ok(pb::KpiKind::ServiceLevel) => "service level (basis points of standards met)",
        Ok(pb::KpiKind::ResponseTime) => "average response time (minutes)",
        Ok(pb::KpiKind::Satisfaction) => "residents' satisfaction (hundredths of a star)",
        Ok(pb::KpiKind::GridCases) => "grid cases about the facility",
        _ => "KPI",
    }
}

/// Drops empty strings, empty arrays and objects, and nulls: OCDS fields
/// are at least one character long, and a null in a release would erase
/// the field from the compiled release rather than leave it unsaid.
fn prune(value: &mut Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => {
            items.retain_mut(prune);
            !items.is_empty()
        }
        Value::Object(fields) => {
            fields.retain(|_, field| prune(field));
            !fields.is_empty()
        }
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// What the export remembers between events to fill later releases.
#[derive(Default)]
struct Context {
    district: String,
    partner: String,
    risks: Vec<pb::RiskAllocation>,
}

const CONTRACT: &str = "contract-1";
const AWARD: &str = "award-1";

/// The OCDS releases of one project, oldest first.
pub fn releases(project_id: &str, events: &[PublishedEvent]) -> Vec<Value> {
    let ocid = format!("{OCID_PREFIX}-{project_id}");
    let mut context = Context::default();
    events
        .iter()
        .filter_map(|published| {
            let (tags, body) = release_body(&mut context, published)?;
            let mut release = json!({
                "ocid": ocid,
                "id": format!("{ocid}-{:04}", published.revision),
                "date": time(published.recorded_at),
                "tag": tags,
                "initiationType": "tender",
                "language": "zh",
            });
            if let (Value::Object(fields), Value::Object(extra)) = (&mut release, body) {
                fields.extend(extra);
            }
            prune(&mut release);
            Some(release)
        })
        .collect()
}

fn contract(fields: Value) -> Value {
    let mut contract = json!({"id": CONTRACT, "awardID": AWARD});
    if let (Value::Object(c), Value::Object(extra)) = (&mut contract, fields) {
        c.extend(extra);
    }
    json!({"contracts": [contract]})
}

fn release_body(context: &mut Context, published: &PublishedEvent) -> Option<(Value, Value)> {
    let at = time(published.recorded_at);
    Some(match &published.event {
        ProjectEvent::Identified(e) => {
            context.district = e.district.clone();
            let outlays: u64 = e.government_outlays.iter().map(|y| y.amount_fen).sum();
            let buyer =
                json!({"id": buyer_id(&e.district), "name": format!("{} 区人民政府", e.district)});
            (
                json!(["planning"]),
                json!({
                    "parties": [{"id": buyer["id"], "name": buyer["name"], "roles": ["buyer"]}],
                    "buyer": buyer,
                    "planning": {
                        "project": {
                            "id": e.project_id,
                            "title": e.name,
                            "description": e.facility,
                            "totalValue": value(e.construction_cost_fen),
                        },
                        "budget": {
                            "id": format!("{}-outlays", e.project_id),
                            "description": format!("government outlays over {} years from {}", e.term_years, e.first_year),
                            "amount": value(outlays),
                        },
                        "milestones": [milestone("identification", "project identified", "preProcurement", true, &at, e.community.clone())],
                    },
                }),
            )
        }
        ProjectEvent::VfmEvaluated(e) => (
            json!(["planningUpdate"]),
            json!({"planning": {"milestones": [milestone(
                "value-for-money", "value-for-money evaluation", "assessment", e.passed, &at,
                format!("qualitative score {}; PPP {} fen, PSC {} fen {}", e.qualitative_score, e.ppp_present_value_fen, e.psc_present_value_fen, e.failed_because),
            )]}}),
        ),
        ProjectEvent::AffordabilityConfirmed(e) => (
            json!(["planningUpdate"]),
            json!({"planning": {"milestones": [milestone(
                "affordability", "fiscal affordability", "assessment", true, &at,
                format!("reserved in the district portfolio at revision {}", e.portfolio_revision),
            )]}}),
        ),
        ProjectEvent::PlanSubmitted(e) => {
            context.risks = e.risks.clone();
            (
                json!(["planningUpdate"]),
                json!({"planning": {"rationale": e.summary}}),
            )
        }
        ProjectEvent::ConsultationRecorded(e) => (
            json!(["planningUpdate"]),
            json!({"planning": {"milestones": [milestone(
                "consultation", "residents' consultation", "engagement", e.passed, &at,
                format!("{} for, {} against", e.votes_for, e.votes_against),
            )]}}),
        ),
        ProjectEvent::Approved(_) => (
            json!(["planningUpdate"]),
            json!({"planning": {"milestones": [milestone("approval", "implementation plan approved", "approval", true, &at, String::new())]}}),
        ),
        ProjectEvent::StageAdvanced(e) if e.to == pb::ProjectStage::Procurement as i32 => (
            json!(["tender"]),
            json!({"tender": {"id": "tender-1", "status": "active", "procurementMethod": "selective"}}),
        ),
        ProjectEvent::BiddersPrequalified(e) => {
            let qualified: Vec<&pb::Bidder> = e.bidders.iter().filter(|b| b.qualified).collect();
            (
                json!(["tenderUpdate"]),
                json!({
                    "parties": qualified.iter().map(|b| json!({"id": b.bidder_id, "name": b.name, "roles": ["tenderer"]})).collect::<Vec<_>>(),
                    "tender": {
                        "id": "tender-1",
                        "numberOfTenderers": qualified.len(),
                        "tenderers": qualified.iter().map(|b| json!({"id": b.bidder_id, "name": b.name})).collect::<Vec<_>>(),
                    },
                }),
            )
        }
        ProjectEvent::ContractSigned(e) => {
            context.partner = e.partner_id.clone();
            let metrics: Vec<Value> = e
                .kpis
                .iter()
                .map(|k| {
                    json!({
                        "id": k.kpi_id,
                        "title": kind_title(k.kind),
                        "description": if k.description.is_empty() {
                            format!("weight {}; target {}", k.weight, k.target)
                        } else {
                            format!("{}; weight {}; target {}", k.description, k.weight, k.target)
                        },
                    })
                })
                .collect();
            let risks: Vec<Value> = context.risks.iter().enumerate().map(|(n, r)| {
                let (allocation, notes) = allocation(r.bearer);
                json!({"id": format!("risk-{}", n + 1), "category": r.risk, "description": r.description, "allocation": allocation, "notes": notes})
            }).collect();
            let mut body = contract(json!({
                "status": "active",
                "value": value(e.contract_value_fen),
                "dateSigned": day(&e.signed_on),
                "agreedMetrics": metrics,
                "riskAllocation": risks,
            }));
            body["awards"] = json!([{"id": AWARD, "status": "active", "value": value(e.contract_value_fen), "suppliers": [{"id": e.partner_id}]}]);
            body["parties"] = json!([{"id": e.partner_id, "roles": ["supplier"]}]);
            body["tender"] = json!({"id": "tender-1", "status": "complete"});
            (json!(["award", "contract"]), body)
        }
        ProjectEvent::CompanyEstablished(e) => {
            let mut body = contract(
                json!({"milestones": [milestone("project-company", "project company established", "delivery", true, &day(&e.established_on), e.company_id.clone())]}),
            );
            body["parties"] = json!([{"id": e.company_id, "roles": ["privateParty"]}]);
            (json!(["contractUpdate"]), body)
        }
        ProjectEvent::FinancingClosed(e) => (
            json!(["contractUpdate"]),
            contract(json!({
                "finance": [{"id": "financing-1", "value": value(e.amount_fen), "description": format!("financial close on {}", e.closed_on)}],
                "milestones": [milestone("financial-close", "financial close", "financing", true, &day(&e.closed_on), String::new())],
            })),
        ),
        ProjectEvent::FailureRecorded(e) => (
            json!(["implementation"]),
            contract(json!({"implementation": {"performanceFailures": [{
                "id": format!("failure-{}-{}-{}", e.period, e.kpi_id, published.revision),
                "period": year(e.period),
                "category": e.kpi_id,
                "events": 1,
                "penaltyContracted": e.description,
            }]}})),
        ),
        ProjectEvent::PeriodSettled(e) => {
            let observations: Vec<Value> = e
                .kpi_scores
                .iter()
                .map(|k| {
                    json!({
                        "id": k.kpi_id,
                        "title": kind_title(k.kind),
                        "observations": [{
                            "id": format!("{}-{}", e.period, k.kpi_id),
                            "period": year(e.period),
                            "measure": k.measured,
                            "notes": format!("score {} of 10000", k.score_basis_points),
                        }],
                    })
                })
                .collect();
            let mut implementation = json!({
                "metrics": observations,
                "transactions": [{
                    "id": format!("payment-{}", e.period),
                    "date": e.settled_at,
                    "value": value(e.payment_fen),
                    "payer": {"id": buyer_id(&context.district)},
                    "payee": {"id": context.partner},
                }],
            });
            if e.failures > 0 {
                implementation["performanceFailures"] = json!([{
                    "id": format!("failures-{}", e.period),
                    "period": year(e.period),
                    "category": "KPI scored under half",
                    "events": e.failures,
                    "penaltyImposed": format!("{} fen deducted", e.deductions_fen),
                }]);
            }
            (
                json!(["implementation"]),
                contract(json!({"implementation": implementation})),
            )
        }
        ProjectEvent::MidTermEvaluated(e) => (
            json!(["contractUpdate"]),
            contract(
                json!({"milestones": [milestone("mid-term", "mid-term evaluation", "reporting", true, &day(&e.evaluated_on), format!("score {}: {}", e.score, e.summary))]}),
            ),
        ),
        ProjectEvent::PerformanceTested(e) => (
            json!(["contractUpdate"]),
            contract(
                json!({"milestones": [milestone("performance-test", "handover performance test", "delivery", e.passed, &day(&e.tested_on), e.summary.clone())]}),
            ),
        ),
        ProjectEvent::AssetTransferred(e) => (
            json!(["contractUpdate"]),
            contract(
                json!({"milestones": [milestone("asset-transfer", "asset transferred", "delivery", true, &day(&e.transferred_on), format!("to {}", e.to))]}),
            ),
        ),
        ProjectEvent::FinalEvaluated(e) => (
            json!(["contractTermination"]),
            contract(json!({
                "status": "terminated",
                "milestones": [milestone("final-evaluation", "final evaluation", "reporting", true, &day(&e.evaluated_on), format!("score {}: {}", e.score, e.summary))],
            })),
        ),
        ProjectEvent::Withdrawn(e) => withdrawn(e, &at),
        // Bids and negotiations stay unpublished until the award; other
        // stage changes show in the milestones.
        ProjectEvent::StageAdvanced(_)
        | ProjectEvent::BidReceived(_)
        | ProjectEvent::NegotiationRecorded(_) => return None,
    })
}

/// A project that reached procurement had a published tender, which the
/// withdrawal cancels; before that only the plan is updated and the tender
/// that never opened is marked withdrawn. The reason goes in a milestone.
fn withdrawn(e: &pb::ProjectWithdrawn, at: &str) -> (Value, Value) {
    let tendered = e.from_stage == pb::ProjectStage::Procurement as i32;
    let (tag, status) = if tendered {
        ("tenderCancellation", "cancelled")
    } else {
        ("planningUpdate", "withdrawn")
    };
    (
        json!([tag]),
        json!({
            "planning": {"milestones": [milestone("withdrawal", "project withdrawn", "approval", true, at, e.reason.clone())]},
            "tender": {"id": "tender-1", "status": status},
        }),
    )
}
