//! Walking a project through its life step by step, as the district's PPP
//! officer, for the tests that need a project at some stage.

use super::*;
use crate::support::auth::Bearer;

/// Runs the steps of `project_id` as the district's PPP officer.
pub struct Walk {
    pub project_id: String,
    pub token: String,
    bearer: Bearer,
}

impl Walk {
    pub fn new(project_id: &str) -> anyhow::Result<Self> {
        let token = officer()?;
        Ok(Self {
            project_id: project_id.to_owned(),
            bearer: Bearer::new(&token)?,
            token,
        })
    }

    fn id(&self, step: &str) -> String {
        format!("{step}-{}", self.project_id)
    }

    pub async fn advance(&self, ppp: &mut impl Api, n: u32) -> Result<u64, tonic::Status> {
        let request = pb::AdvanceStageRequest {
            request_id: self.id(&format!("advance-{n}")),
            district: DISTRICT.into(),
            project_id: self.project_id.clone(),
        };
        ppp.projects()
            .advance_stage(self.bearer.on(request))
            .await
            .map(|answer| position(answer.into_inner().receipt))
    }

    pub async fn confirm_affordability(&self, ppp: &mut impl Api) -> Result<u64, tonic::Status> {
        let request = pb::ConfirmAffordabilityRequest {
            request_id: self.id("afford"),
            district: DISTRICT.into(),
            project_id: self.project_id.clone(),
        };
        ppp.projects()
            .confirm_affordability(self.bearer.on(request))
            .await
            .map(|answer| position(answer.into_inner().receipt))
    }

    /// Withdraws the project; the request id is the same for every call,
    /// so a second call is a retry.
    pub async fn withdraw(
        &self,
        ppp: &mut impl Api,
        reason: &str,
    ) -> Result<pb::CommandReceipt, tonic::Status> {
        let request = pb::WithdrawProjectRequest {
            request_id: self.id("withdraw"),
            district: DISTRICT.into(),
            project_id: self.project_id.clone(),
            reason: reason.into(),
        };
        ppp.projects()
            .withdraw_project(self.bearer.on(request))
            .await
            .map(|answer| answer.into_inner().receipt.unwrap_or_default())
    }

    /// Plan, consultation (a vote held here, 40 to 3), approval.
    pub async fn prepare(&self, ppp: &mut impl Api) -> anyhow::Result<()> {
        let walk = self;
        step!(
            walk,
            ppp,
            submit_implementation_plan,
            pb::SubmitImplementationPlanRequest {
                request_id: walk.id("plan"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                summary: "BOT 20 years; the partner builds and runs the centre".into(),
                risks: vec![
                    pb::RiskAllocation {
                        risk: "construction".into(),
                        bearer: pb::RiskBearer::Private as i32,
                        description: "cost and delay".into()
                    },
                    pb::RiskAllocation {
                        risk: "demand".into(),
                        bearer: pb::RiskBearer::Shared as i32,
                        description: String::new()
                    },
                    pb::RiskAllocation {
                        risk: "policy".into(),
                        bearer: pb::RiskBearer::Public as i32,
                        description: String::new()
                    },
                ],
            }
        )?;
        step!(
            walk,
            ppp,
            record_consultation,
            pb::RecordConsultationRequest {
                request_id: walk.id("consult"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                meeting_id: String::new(),
                motion_id: String::new(),
                votes_for: 40,
                votes_against: 3,
                min_position: 0,
            }
        )?;
        step!(
            walk,
            ppp,
            approve_project,
            pb::ApproveProjectRequest {
                request_id: walk.id("approve"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
            }
        )?;
        Ok(())
    }

    /// Three qualified bidders, a bid, negotiation, signing: 20 periods of
    /// 450 000 fixed + 150 000 performance-linked fen (30% of the cost),
    /// KPIs availability 70 / satisfaction 30.
    pub async fn procure(&self, ppp: &mut impl Api) -> anyhow::Result<()> {
        let walk = self;
        let bidders = [
            "91500108MA5U1AAA1U",
            "91500108MA5U1BBB2W",
            "91500108MA5U1CCC3X",
            "91500108MA5U1DDD4Y",
        ];
        step!(
            walk,
            ppp,
            prequalify_bidders,
            pb::PrequalifyBiddersRequest {
                request_id: walk.id("prequalify"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                bidders: bidders
                    .iter()
                    .enumerate()
                    .map(|(n, id)| pb::Bidder {
                        bidder_id: (*id).into(),
                        name: format!("社会资本方{n}"),
                        qualified: n < 3,
                    })
                    .collect(),
            }
        )?;
        step!(
            walk,
            ppp,
            receive_bid,
            pb::ReceiveBidRequest {
                request_id: walk.id("bid"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                bidder_id: bidders[0].into(),
                amount_fen: 12_000_000,
            }
        )?;
        step!(
            walk,
            ppp,
            record_negotiation,
            pb::RecordNegotiationRequest {
                request_id: walk.id("negotiate"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                bidder_id: bidders[0].into(),
                summary: "service standards agreed".into(),
            }
        )?;
        step!(
            walk,
            ppp,
            sign_contract,
            pb::SignContractRequest {
                request_id: walk.id("sign"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                partner_id: bidders[0].into(),
                contract_value_fen: 12_000_000,
                schedule: (2027..2047)
                    .map(|period| pb::SchedulePeriod {
                        period,
                        fixed_fen: 450_000,
                        performance_linked_fen: 150_000
                    })
                    .collect(),
                kpis: vec![
                    pb::Kpi {
                        kpi_id: "availability".into(),
                        kind: pb::KpiKind::Availability as i32,
                        weight: 70,
                        target: 9_800,
                        description: String::new()
                    },
                    pb::Kpi {
                        kpi_id: "satisfaction".into(),
                        kind: pb::KpiKind::Satisfaction as i32,
                        weight: 30,
                        target: 400,
                        description: String::new()
                    },
                ],
                deduction_per_failure_fen: 10_000,
                signed_on: "2027-03-01".into(),
            }
        )?;
        Ok(())
    }

    /// Project company and financial close.
    pub async fn operate(&self, ppp: &mut impl Api) -> anyhow::Result<()> {
        let walk = self;
        step!(
            walk,
            ppp,
            establish_project_company,
            pb::EstablishProjectCompanyRequest {
                request_id: walk.id("company"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                company_id: "91500108MA5U9PCW9E".into(),
                established_on: "2027-03-01".into(),
            }
        )?;
        step!(
            walk,
            ppp,
            close_financing,
            pb::CloseFinancingRequest {
                request_id: walk.id("financing"),
                district: DISTRICT.into(),
                project_id: walk.project_id.clone(),
                amount_fen: 8_000_000,
                closed_on: "2027-03-01".into(),
            }
        )?;
        Ok(())
    }

    pub async fn settle(
        &self,
        ppp: &mut impl Api,
        period: i32,
        availability: u64,
        min_position: u64,
    ) -> Result<u64, tonic::Status> {
        let request = pb::SettlePeriodRequest {
            request_id: self.id(&format!("settle-{period}")),
            district: DISTRICT.into(),
            project_id: self.project_id.clone(),
            period,
            measurements: vec![pb::Measurement {
                kpi_id: "availability".into(),
                value: availability,
            }],
            min_position,
        };
        ppp.projects()
            .settle_period(self.bearer.on(request))
            .await
            .map(|answer| position(answer.into_inner().receipt))
    }

    /// From nothing to execution with company and financing.
    pub async fn to_execution(&self, ppp: &mut Ppp) -> anyhow::Result<()> {
        identify_and_evaluate(
            ppp,
            &self.project_id,
            pb::PaymentMechanism::GovernmentPays,
            400_000,
        )
        .await?;
        self.confirm_affordability(ppp).await?;
        self.advance(ppp, 1).await?;
        self.prepare(ppp).await?;
        self.advance(ppp, 2).await?;
        self.procure(ppp).await?;
        self.advance(ppp, 3).await?;
        self.operate(ppp).await
    }
}
