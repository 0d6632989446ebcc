use crate::domain::model::{ModelRules, OperationModel, PaymentMechanism};
use crate::domain::money::Fen;
use crate::domain::payment::SchedulePeriod;
use crate::domain::performance::{KpiDefinition, Measurement};
use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identification {
    pub project_id: String,
    /// 12-digit community code, checked against the code table by the caller.
    pub community: String,
    pub name: String,
    pub facility: String,
    pub model: OperationModel,
    pub mechanism: PaymentMechanism,
    pub term_years: u32,
    pub first_year: i32,
    pub construction_cost: Fen,
    pub government_outlays: BTreeMap<i32, Fen>,
    pub performance_linked_percent: u32,
    /// The district's configuration says residents must be consulted.
    pub consultation_required: bool,
    pub rules: ModelRules,
    /// 15-digit unit grid code of the facility's site, or empty.
    pub grid: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bid {
    pub bidder_id: String,
    pub name: String,
    pub qualified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub partner_id: String,
    pub contract_value: Fen,
    pub schedule: BTreeMap<i32, SchedulePeriod>,
    pub kpis: Vec<KpiDefinition>,
    pub deduction_per_failure: Fen,
    pub signed_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub period: i32,
    pub measured: BTreeMap<String, Measurement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectCommand {
    Identify {
        district: DistrictCode,
        identification: Identification,
        at: DateTime<Utc>,
    },
    EvaluateVfm {
        district: DistrictCode,
        qualitative_score: u32,
        /// The least qualitative score that passes (district setting).
        qualitative_threshold: u32,
        ppp_present_value: Fen,
        psc_present_value: Fen,
    },
    ConfirmAffordability {
        district: DistrictCode,
        portfolio_revision: u64,
    },
    /// Passes the gate out of the current stage.
    Advance {
        district: DistrictCode,
        at: DateTime<Utc>,
    },
    SubmitPlan {
        district: DistrictCode,
        summary: String,
        risks: Vec<pb::RiskAllocation>,
        at: DateTime<Utc>,
    },
    RecordConsultation {
        district: DistrictCode,
        meeting_id: String,
        motion_id: String,
        votes_for: u32,
        votes_against: u32,
        passed: bool,
        at: DateTime<Utc>,
    },
    Approve {
        district: DistrictCode,
        approved_by: String,
        at: DateTime<Utc>,
    },
    Prequalify {
        district: DistrictCode,
        bidders: Vec<Bid>,
    },
    ReceiveBid {
        district: DistrictCode,
        bidder_id: String,
        amount: Fen,
        at: DateTime<Utc>,
    },
    Negotiate {
        district: DistrictCode,
        bidder_id: String,
        summary: String,
    },
    Sign {
        district: DistrictCode,
        signing: Signing,
    },
    EstablishCompany {
        district: DistrictCode,
        company_id: String,
        on: NaiveDate,
    },
    CloseFinancing {
        district: DistrictCode,
        amount: Fen,
        on: NaiveDate,
    },
    RecordFailure {
        district: DistrictCode,
        period: i32,
        kpi_id: String,
        description: String,
    },
    SettlePeriod {
        district: DistrictCode,
        settlement: Settlement,
        at: DateTime<Utc>,
    },
    EvaluateMidTerm {
        district: DistrictCode,
        score: u32,
        summary: String,
        on: NaiveDate,
    },
    TestPerformance {
        district: DistrictCode,
        passed: bool,
        summary: String,
        on: NaiveDate,
    },
    TransferAsset {
        district: DistrictCode,
        to: String,
        on: NaiveDate,
    },
    EvaluateFinal {
        district: DistrictCode,
        score: u32,
        summary: String,
        on: NaiveDate,
    },
    /// Abandons the project before its contract is signed.
    Withdraw {
        district: DistrictCode,
        reason: String,
        at: DateTime<Utc>,
    },
}
