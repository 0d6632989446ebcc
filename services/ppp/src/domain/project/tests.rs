use super::*;
use crate::domain::model::{ModelRules, OperationModel, PaymentMechanism};
use crate::domain::money::Fen;
use crate::domain::payment::SchedulePeriod;
use crate::domain::performance::{KpiDefinition, Measurement};
use chrono::{NaiveDate, TimeZone, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use std::collections::BTreeMap;

pub(super) fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

pub(super) fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
        .single()
        .expect("time")
}

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).expect("date")
}

fn identification(model: OperationModel, consultation_required: bool) -> Identification {
    Identification {
        project_id: "p1".into(),
        community: "500108001002".into(),
        name: "南坪社区养老服务中心".into(),
        facility: "elderly-care centre".into(),
        model,
        mechanism: PaymentMechanism::GovernmentPays,
        term_years: 20,
        first_year: 2027,
        construction_cost: Fen(10_000_000),
        government_outlays: (2027..2047).map(|y| (y, Fen(600_000))).collect(),
        performance_linked_percent: 30,
        consultation_required,
        rules: ModelRules::default(),
        grid: String::new(),
    }
}

pub(super) fn identify(model: OperationModel, consultation_required: bool) -> ProjectCommand {
    ProjectCommand::Identify {
        district: district(),
        identification: identification(model, consultation_required),
        at: at(),
    }
}

pub(super) fn vfm(score: u32, ppp: u64, psc: u64) -> ProjectCommand {
    ProjectCommand::EvaluateVfm {
        district: district(),
        qualitative_score: score,
        qualitative_threshold: 60,
        ppp_present_value: Fen(ppp),
        psc_present_value: Fen(psc),
    }
}

pub(super) fn advance() -> ProjectCommand {
    ProjectCommand::Advance {
        district: district(),
        at: at(),
    }
}

fn kpis() -> Vec<KpiDefinition> {
    vec![
        KpiDefinition {
            kpi_id: "avail".into(),
            kind: pb::KpiKind::Availability,
            weight: 70,
            target: 9_800,
            description: "lifts and doors working".into(),
        },
        KpiDefinition {
            kpi_id: "sat".into(),
            kind: pb::KpiKind::Satisfaction,
            weight: 30,
            target: 400,
            description: String::new(),
        },
    ]
}

fn signing(partner: &str) -> Signing {
    Signing {
        partner_id: partner.into(),
        contract_value: Fen(20_000_000),
        // 20 x 150_000 = 3_000_000 linked = 30% of 10_000_000.
        schedule: (2027..2047)
            .map(|y| {
                (
                    y,
                    SchedulePeriod {
                        fixed: Fen(450_000),
                        performance_linked: Fen(150_000),
                    },
                )
            })
            .collect(),
        kpis: kpis(),
        deduction_per_failure: Fen(10_000),
        signed_on: on(),
    }
}

fn bidder(id: &str, qualified: bool) -> Bid {
    Bid {
        bidder_id: id.into(),
        name: id.into(),
        qualified,
    }
}

fn settle(period: i32, ratings: (u64, u64)) -> ProjectCommand {
    ProjectCommand::SettlePeriod {
        district: district(),
        settlement: Settlement {
            period,
            measured: BTreeMap::from([
                ("avail".to_owned(), Measurement::Percent(9_900)),
                (
                    "sat".to_owned(),
                    Measurement::Ratings {
                        count: ratings.0,
                        star_sum: ratings.1,
                    },
                ),
            ]),
        },
        at: at(),
    }
}

pub(super) fn run(state: ProjectState, command: ProjectCommand) -> ProjectState {
    let events = Project::decide(&state, command).expect("accepted");
    events.iter().fold(state, Project::evolve)
}

pub(super) fn through(commands: Vec<ProjectCommand>) -> ProjectState {
    commands.into_iter().fold(ProjectState::default(), run)
}

pub(super) fn refused(state: &ProjectState, command: ProjectCommand) -> ProjectError {
    Project::decide(state, command).expect_err("refused")
}

pub(super) fn identified() -> Vec<ProjectCommand> {
    vec![
        identify(OperationModel::BuildOperateTransfer, true),
        vfm(75, 9_000_000, 9_500_000),
        ProjectCommand::ConfirmAffordability {
            district: district(),
            portfolio_revision: 3,
        },
        advance(),
    ]
}

pub(super) fn prepared() -> Vec<ProjectCommand> {
    let mut steps = identified();
    steps.extend([
        ProjectCommand::SubmitPlan {
            district: district(),
            summary: "BOT 20 years".into(),
            risks: vec![pb::RiskAllocation {
                risk: "construction".into(),
                bearer: pb::RiskBearer::Private as i32,
                description: String::new(),
            }],
            at: at(),
        },
        ProjectCommand::RecordConsultation {
            district: district(),
            meeting_id: "m1".into(),
            motion_id: "mo1".into(),
            votes_for: 40,
            votes_against: 3,
            passed: true,
            at: at(),
        },
        ProjectCommand::Approve {
            district: district(),
            approved_by: "district-finance".into(),
            at: at(),
        },
        advance(),
    ]);
    steps
}

pub(super) fn signed() -> Vec<ProjectCommand> {
    let mut steps = prepared();
    steps.extend([
        ProjectCommand::Prequalify {
            district: district(),
            bidders: vec![
                bidder("a", true),
                bidder("b", true),
                bidder("c", true),
                bidder("d", false),
            ],
        },
        ProjectCommand::ReceiveBid {
            district: district(),
            bidder_id: "a".into(),
            amount: Fen(19_000_000),
            at: at(),
        },
        ProjectCommand::Negotiate {
            district: district(),
            bidder_id: "a".into(),
            summary: "fee schedule agreed".into(),
        },
        ProjectCommand::Sign {
            district: district(),
            signing: signing("a"),
        },
        advance(),
        ProjectCommand::EstablishCompany {
            district: district(),
            company_id: "spv".into(),
            on: on(),
        },
        ProjectCommand::CloseFinancing {
            district: district(),
            amount: Fen(10_000_000),
            on: on(),
        },
    ]);
    steps
}

#[test]
fn no_gate_is_skipped() {
    let state = through(vec![identify(OperationModel::BuildOperateTransfer, false)]);
    assert!(matches!(
        refused(&state, advance()),
        ProjectError::GateNotPassed { missing, .. } if missing.contains("value-for-money")
    ));
    assert_eq!(
        refused(
            &state,
            ProjectCommand::Sign {
                district: district(),
                signing: signing("a")
            }
        ),
        ProjectError::WrongStage {
            stage: ProjectStage::Identification,
            expected: ProjectStage::Procurement
        }
    );
    let evaluated = run(state, vfm(75, 1, 2));
    assert!(matches!(
        refused(&evaluated, advance()),
        ProjectError::GateNotPassed { missing, .. } if missing.contains("affordability")
    ));
}

#[test]
fn value_for_money_fails_on_score_or_cost() {
    let state = through(vec![identify(OperationModel::BuildOperateTransfer, false)]);
    let events = Project::decide(&state, vfm(59, 1, 2)).expect("evaluated");
    assert!(matches!(&events[..], [ProjectEvent::VfmEvaluated(e)]
        if !e.passed && e.failed_because == "QUALITATIVE_BELOW_THRESHOLD"));
    let events = Project::decide(&state, vfm(80, 3, 2)).expect("evaluated");
    assert!(matches!(&events[..], [ProjectEvent::VfmEvaluated(e)]
        if !e.passed && e.failed_because == "PPP_COSTLIER_THAN_PSC"));
    // A failed evaluation does not confirm affordability.
    let failed = run(state, vfm(80, 3, 2));
    assert_eq!(
        refused(
            &failed,
            ProjectCommand::ConfirmAffordability {
                district: district(),
                portfolio_revision: 1
            }
        ),
        ProjectError::VfmNotPassed
    );
}

#[test]
fn approval_waits_for_the_residents_where_required() {
    let mut steps = identified();
    steps.push(ProjectCommand::SubmitPlan {
        district: district(),
        summary: "plan".into(),
        risks: Vec::new(),
        at: at(),
    });
    let state = through(steps);
    let approve = ProjectCommand::Approve {
        district: district(),
        approved_by: "x".into(),
        at: at(),
    };
    assert_eq!(
        refused(&state, approve.clone()),
        ProjectError::ConsultationMissing
    );
    let against = run(
        state,
        ProjectCommand::RecordConsultation {
            district: district(),
            meeting_id: "m".into(),
            motion_id: "mo".into(),
            votes_for: 3,
            votes_against: 40,
            passed: false,
            at: at(),
        },
    );
    assert_eq!(
        refused(&against, approve),
        ProjectError::ConsultationMissing
    );
}

#[test]
fn procurement_needs_three_qualified_bidders_a_bid_and_negotiation() {
    let state = through(prepared());
    assert_eq!(
        refused(
            &state,
            ProjectCommand::Prequalify {
                district: district(),
                bidders: vec![bidder("a", true), bidder("b", true), bidder("c", false)],
            }
        ),
        ProjectError::TooFewBidders { qualified: 2 }
    );
    let state = run(
        state,
        ProjectCommand::Prequalify {
            district: district(),
            bidders: vec![
                bidder("a", true),
                bidder("b", true),
                bidder("c", true),
                bidder("d", false),
            ],
        },
    );
    assert_eq!(
        refused(
            &state,
            ProjectCommand::ReceiveBid {
                district: district(),
                bidder_id: "d".into(),
                amount: Fen(1),
                at: at()
            }
        ),
        ProjectError::NotQualified("d".into())
    );
    assert_eq!(
        refused(
            &state,
            ProjectCommand::Sign {
                district: district(),
                signing: signing("a")
            }
        ),
        ProjectError::NoBid("a".into())
    );
    let mut thin = signing("a");
    thin.schedule
        .values_mut()
        .for_each(|p| p.performance_linked = Fen(149_999));
    let bid = run(
        state,
        ProjectCommand::ReceiveBid {
            district: district(),
            bidder_id: "a".into(),
            amount: Fen(1),
            at: at(),
        },
    );
    let negotiated = run(
        bid,
        ProjectCommand::Negotiate {
            district: district(),
            bidder_id: "a".into(),
            summary: "ok".into(),
        },
    );
    assert!(matches!(
        refused(
            &negotiated,
            ProjectCommand::Sign {
                district: district(),
                signing: thin
            }
        ),
        ProjectError::Schedule(_)
    ));
}

#[test]
fn bad_ratings_lower_a_periods_payment() {
    let state = through(signed());
    let good = Project::decide(&state, settle(2027, (10, 45))).expect("settled");
    let bad = Project::decide(&state, settle(2027, (10, 15))).expect("settled");
    let payment = |events: &[ProjectEvent]| match events {
        [ProjectEvent::PeriodSettled(e)] => (e.payment_fen, e.failures),
        _ => (0, 0),
    };
    assert_eq!(payment(&good), (600_000, 0));
    // sat 3750 bp: score 70*10000+30*3750 = 8125 bp -> 121_875 earned, one
    // failure deducts 10_000: 450_000 + 111_875.
    assert_eq!(payment(&bad), (561_875, 1));
    let settled = run(state, settle(2027, (10, 15)));
    assert_eq!(
        refused(&settled, settle(2027, (1, 5))),
        ProjectError::PeriodSettled(2027)
    );
    assert_eq!(
        refused(&settled, settle(2099, (1, 5))),
        ProjectError::PeriodNotScheduled(2099)
    );
}

#[test]
fn payments_wait_for_company_and_financing() {
    let mut steps = signed();
    steps.truncate(steps.len() - 2);
    let state = through(steps);
    assert_eq!(
        refused(&state, settle(2027, (0, 0))),
        ProjectError::NotOperating
    );
}

#[test]
fn the_whole_life_ends_in_a_final_evaluation() {
    let mut steps = signed();
    steps.extend([
        settle(2027, (10, 45)),
        ProjectCommand::EvaluateMidTerm {
            district: district(),
            score: 88,
            summary: "good".into(),
            on: on(),
        },
        advance(),
        ProjectCommand::TestPerformance {
            district: district(),
            passed: true,
            summary: "ok".into(),
            on: on(),
        },
    ]);
    let state = through(steps);
    let final_eval = ProjectCommand::EvaluateFinal {
        district: district(),
        score: 90,
        summary: "done".into(),
        on: on(),
    };
    assert!(matches!(
        refused(&state, final_eval.clone()),
        ProjectError::GateNotPassed { missing, .. } if missing.contains("transfer")
    ));
    let transferred = run(
        state,
        ProjectCommand::TransferAsset {
            district: district(),
            to: "district civil affairs".into(),
            on: on(),
        },
    );
    let closed = run(transferred, final_eval);
    let ProjectState::Present(facts) = &closed else {
        panic!("project exists")
    };
    assert_eq!(facts.stage, ProjectStage::Closed);
    assert_eq!(
        refused(&closed, advance()),
        ProjectError::GateNotPassed {
            stage: ProjectStage::Closed,
            missing: "the final evaluation"
        }
    );
}

#[test]
fn boo_keeps_its_asset() {
    let mut boo = identification(OperationModel::BuildOwnOperate, false);
    boo.term_years = 20;
    let state = through(vec![ProjectCommand::Identify {
        district: district(),
        identification: boo,
        at: at(),
    }]);
    let ProjectState::Present(facts) = &state else {
        panic!("project exists")
    };
    assert_eq!(facts.model, OperationModel::BuildOwnOperate);
}

#[test]
fn identification_checks_terms_outlays_and_the_linked_share() {
    let mut long = identification(OperationModel::OperationAndMaintenance, false);
    long.government_outlays.clear();
    assert!(matches!(
        refused(
            &ProjectState::default(),
            ProjectCommand::Identify {
                district: district(),
                identification: long,
                at: at()
            }
        ),
        ProjectError::Model(_)
    ));
    let mut outside = identification(OperationModel::BuildOperateTransfer, false);
    outside.government_outlays.insert(2050, Fen(1));
    assert_eq!(
        refused(
            &ProjectState::default(),
            ProjectCommand::Identify {
                district: district(),
                identification: outside,
                at: at()
            }
        ),
        ProjectError::OutlayOutsideTerm {
            year: 2050,
            first: 2027,
            last: 2046
        }
    );
    let mut thin = identification(OperationModel::BuildOperateTransfer, false);
    thin.performance_linked_percent = 29;
    assert_eq!(
        refused(
            &ProjectState::default(),
            ProjectCommand::Identify {
                district: district(),
                identification: thin,
                at: at()
            }
        ),
        ProjectError::TooLittleLinked {
            percent: 29,
            min: 30
        }
    );
}
