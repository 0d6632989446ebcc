use super::{OCID_PREFIX, USCC_SCHEME};
use crate::domain::purchase::PurchaseEvent;
use chrono::{DateTime, Utc};
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A purchase event as stored: what happened, where and when.
pub struct PublishedEvent {
    pub event: PurchaseEvent,
    pub revision: u64,
    pub recorded_at: DateTime<Utc>,
}

/// A provider as published: its name and unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    pub social_credit_code: String,
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

/// A date `YYYY-MM-DD` as the start of that day in UTC; RFC 3339 times are
/// kept as they are.
fn day(date: &str) -> String {
    if date.len() == 10 {
        format!("{date}T00:00:00Z")
    } else {
        date.to_owned()
    }
}

/// The last second of the day `YYYY-MM-DD`.
fn end_of(date: &str) -> String {
    if date.len() == 10 {
        format!("{date}T23:59:59Z")
    } else {
        date.to_owned()
    }
}

fn buyer_id(district: &str) -> String {
    format!("CN-DISTRICT-{district}-FINANCE")
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

/// OCDS `method` (closed codelist) and the Chinese method's name.
fn method(method: i32) -> (&'static str, &'static str) {
    match pb::PurchaseMethod::try_from(method) {
        Ok(pb::PurchaseMethod::OpenTender) => ("open", "公开招标 (open tender)"),
        Ok(pb::PurchaseMethod::Invitation) => ("selective", "邀请招标 (invitation)"),
        Ok(pb::PurchaseMethod::CompetitiveNegotiation) => {
            ("limited", "竞争性谈判 (competitive negotiation)")
        }
        Ok(pb::PurchaseMethod::CompetitiveConsultation) => {
            ("limited", "竞争性磋商 (competitive consultation)")
        }
        _ => ("direct", "单一来源 (single source)"),
    }
}

/// What the export remembers between events to fill later releases.
#[derive(Default)]
struct Context {
    district: String,
    supplier: String,
    contract_id: String,
    /// Awards so far; the current one is the last.
    awards: u32,
}

impl Context {
    fn award_id(&self) -> String {
        format!("award-{}", self.awards)
    }
}

struct Parties<'a>(&'a BTreeMap<String, Organisation>);

impl Parties<'_> {
    /// The provider as an organisation reference.
    fn reference(&self, provider_id: &str) -> Value {
        match self.0.get(provider_id) {
            Some(o) => json!({"id": provider_id, "name": o.name}),
            None => json!({"id": provider_id}),
        }
    }

    /// The provider as a party with `roles`.
    fn party(&self, provider_id: &str, roles: &[&str]) -> Value {
        let mut party = self.reference(provider_id);
        if let Some(o) = self.0.get(provider_id) {
            party["identifier"] = json!({
                "scheme": USCC_SCHEME,
                "id": o.social_credit_code,
                "legalName": o.name,
            });
        }
        party["roles"] = json!(roles);
        party
    }
}

/// The OCDS releases of one purchase, oldest first. `providers` names the
/// providers by id (those missing are published by id alone).
pub fn releases(
    purchase_id: &str,
    events: &[PublishedEvent],
    providers: &BTreeMap<String, Organisation>,
) -> Vec<Value> {
    let ocid = format!("{OCID_PREFIX}-{purchase_id}");
    let parties = Parties(providers);
    let mut context = Context::default();
    // Bidders and their standing, published with the award.
    let mut bidders: Vec<String> = Vec::new();
    events
        .iter()
        .filter_map(|published| {
            let (tags, body) = match &published.event {
                PurchaseEvent::BidSubmitted(e) => {
                    bidders.push(e.provider_id.clone());
                    return None;
                }
                event => release_body(&mut context, &parties, &bidders, published, event)?,
            };
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

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields,
        _ => Map::new(),
    }
}

/// A body with the current contract carrying `fields`.
fn contract(context: &Context, fields: Value) -> Value {
    let mut contract = json!({"id": context.contract_id, "awardID": context.award_id()});
    if let Value::Object(c) = &mut contract {
        c.extend(object(fields));
    }
    json!({"contracts": [contract]})
}

fn milestone(
    id: String,
    title: &str,
    kind: &str,
    met: bool,
    at: &str,
    description: String,
) -> Value {
    json!({
        "id": id,
        "title": title,
        "type": kind,
        "status": if met { "met" } else { "notMet" },
        "dateMet": if met { Value::String(at.to_owned()) } else { Value::Null },
        "description": description,
    })
}

fn release_body(
    context: &mut Context,
    parties: &Parties<'_>,
    bidders: &[String],
    published: &PublishedEvent,
    event: &PurchaseEvent,
) -> Option<(Value, Value)> {
    Some(match event {
        PurchaseEvent::Planned(e) => {
            context.district = e.district.clone();
            let buyer =
                json!({"id": buyer_id(&e.district), "name": format!("{} 区财政局", e.district)});
            let (code, details) = method(e.method);
            (
                json!(["planning"]),
                json!({
                    "parties": [{"id": buyer["id"], "name": buyer["name"], "roles": ["buyer", "procuringEntity"]}],
                    "buyer": buyer,
                    "planning": {
                        "rationale": e.justification,
                        "budget": {
                            "id": format!("{}-budget", e.purchase_id),
                            "description": if e.budget_secured { "budget secured over the contract's years" } else { "budget of the year" },
                            "amount": value(e.budget_fen),
                        },
                    },
                    "tender": {
                        "id": e.purchase_id,
                        "title": e.title,
                        "status": "planned",
                        "procuringEntity": buyer,
                        "procurementMethod": code,
                        "procurementMethodDetails": details,
                        "procurementMethodRationale": e.justification,
                        "mainProcurementCategory": "services",
                        "value": value(e.budget_fen),
                        "awardCriteriaDetails": format!(
                            "price {} points; {}",
                            e.price_weight,
                            e.criteria.iter().map(|c| format!("{} {} points", c.criterion_id, c.weight)).collect::<Vec<_>>().join(", ")
                        ),
                        "items": [{"id": "1", "description": e.item_code}],
                    },
                }),
            )
        }
        PurchaseEvent::TenderPublished(e) => (
            json!(["tender"]),
            json!({"tender": {
                "id": e.purchase_id,
                "status": "active",
                "datePublished": day(&e.published_at),
                "tenderPeriod": {"startDate": day(&e.published_at), "endDate": day(&e.deadline)},
            }}),
        ),
        PurchaseEvent::Awarded(e) => {
            context.awards += 1;
            context.supplier = e.provider_id.clone();
            let mut listed: Vec<Value> = bidders
                .iter()
                .map(|b| parties.party(b, &["tenderer"]))
                .collect();
            match listed.iter_mut().find(|p| p["id"] == json!(e.provider_id)) {
                Some(party) => party["roles"] = json!(["tenderer", "supplier"]),
                None => listed.push(parties.party(&e.provider_id, &["supplier"])),
            }
            (
                json!(["award"]),
                json!({
                    "parties": listed,
                    "tender": {
                        "id": e.purchase_id,
                        "status": "complete",
                        "numberOfTenderers": bidders.len(),
                        "tenderers": bidders.iter().map(|b| parties.reference(b)).collect::<Vec<_>>(),
                        "standstillPeriod": {"startDate": day(&e.awarded_at), "endDate": day(&e.standstill_ends_at)},
                    },
                    "awards": [{
                        "id": context.award_id(),
                        "status": "pending",
                        "date": day(&e.awarded_at),
                        "value": value(e.price_fen),
                        "suppliers": [parties.reference(&e.provider_id)],
                    }],
                }),
            )
        }
        PurchaseEvent::ChallengeResolved(e) if e.upheld => (
            json!(["awardUpdate"]),
            json!({"awards": [{
                "id": context.award_id(),
                "status": "cancelled",
                "description": format!("annulled on challenge: {}", e.reasoning),
            }]}),
        ),
        PurchaseEvent::ContractSigned(e) => {
            context.contract_id = e.contract_id.clone();
            let milestones: Vec<Value> = e
                .milestones
                .iter()
                .map(|m| {
                    json!({
                        "id": m.milestone_id,
                        "title": m.title,
                        "type": "payment",
                        "dueDate": end_of(&m.due),
                        "status": "scheduled",
                        "value": value(m.payment_fen),
                    })
                })
                .collect();
            let mut body = contract(
                context,
                json!({
                    "title": e.item_code,
                    "status": "active",
                    "value": value(e.amount_fen),
                    "dateSigned": day(&e.signed_at),
                    "period": {"startDate": day(&e.starts_on), "endDate": end_of(&e.ends_on)},
                    "milestones": milestones,
                }),
            );
            body["awards"] = json!([{
                "id": context.award_id(),
                "status": "active",
                "contractPeriod": {"startDate": day(&e.starts_on), "endDate": end_of(&e.ends_on)},
            }]);
            (json!(["contract"]), body)
        }
        PurchaseEvent::Monitored(e) => (
            json!(["implementation"]),
            contract(
                context,
                json!({"implementation": {"milestones": [milestone(
                    format!("monitoring-{}", published.revision),
                    "monitoring of delivery",
                    "reporting",
                    e.satisfactory,
                    &day(&e.monitored_at),
                    format!("milestone {}: {}", e.milestone_id, e.note),
                )]}}),
            ),
        ),
        PurchaseEvent::MilestoneDelivered(e) => (
            json!(["implementation"]),
            contract(
                context,
                json!({"milestones": [{"id": e.milestone_id, "status": "met", "dateMet": day(&e.delivered_at)}]}),
            ),
        ),
        PurchaseEvent::Evaluated(e) => {
            let evaluator = match pb::Evaluator::try_from(e.evaluator) {
                Ok(pb::Evaluator::ThirdParty) => format!("third party {}", e.evaluator_name),
                _ => "the buyer".to_owned(),
            };
            (
                json!(["implementation"]),
                contract(
                    context,
                    json!({"implementation": {"milestones": [milestone(
                        "evaluation".to_owned(),
                        "performance evaluation",
                        "assessment",
                        e.passed,
                        &day(&e.evaluated_at),
                        format!(
                            "score {} of 100 by {evaluator}; {} residents' ratings, {} stars in all",
                            e.score, e.satisfaction_count, e.satisfaction_star_sum
                        ),
                    )]}}),
                ),
            )
        }
        PurchaseEvent::PaymentMade(e) => {
            let mut fields = json!({"implementation": {"transactions": [{
                "id": format!("payment-{}", e.milestone_id),
                "date": day(&e.paid_at),
                "value": value(e.amount_fen),
                "payer": {"id": buyer_id(&context.district)},
                "payee": {"id": context.supplier},
            }]}});
            let tags = if e.contract_completed {
                fields["status"] = json!("terminated");
                json!(["implementation", "contractTermination"])
            } else {
                json!(["implementation"])
            };
            // Payer and payee are the buyer and supplier parties already
            // published (their roles are not repeated here: a party's roles
            // array would replace, not extend, the earlier one on merging).
            (tags, contract(context, fields))
        }
        // Bids, their review and scores stay unpublished until the award,
        // which lists the tenderers; a challenge shows only once resolved.
        PurchaseEvent::BidSubmitted(_)
        | PurchaseEvent::QualificationReviewed(_)
        | PurchaseEvent::Scored(_)
        | PurchaseEvent::Challenged(_)
        | PurchaseEvent::ChallengeResolved(_) => return None,
    })
}
