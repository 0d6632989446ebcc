//! Settling a period: the caller measures availability, service level and
//! response time; satisfaction and grid cases are measured here, from the
//! residents' ratings of the facility and the grid cases at its site in the
//! period's calendar year (the feedback reactor's read model).

use super::{AppError, PppApp};
use crate::domain::performance::Measurement;
use crate::domain::project::{ProjectCommand, ProjectError, Settlement};
use gongzhi_commands::{CommandError, Receipt};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::ppp::v1::KpiKind;
use gongzhi_server::CommandContext;
use std::collections::BTreeMap;
use uuid::Uuid;

impl PppApp {
    /// `given` maps KPI ids to measured values; `min_position` makes every
    /// rating and case up to it count.
    pub async fn settle(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project_id: Uuid,
        period: i32,
        given: BTreeMap<String, u64>,
        min_position: u64,
    ) -> Result<Receipt, AppError> {
        let facts = self.facts(district, project_id).await?;
        for kpi_id in given.keys() {
            match facts.kpis.iter().find(|k| &k.kpi_id == kpi_id) {
                None => {
                    return Err(AppError::Project(CommandError::Domain(
                        ProjectError::KpiNotInContract(kpi_id.clone()),
                    )));
                }
                Some(kpi) if matches!(kpi.kind, KpiKind::Satisfaction | KpiKind::GridCases) => {
                    return Err(AppError::MeasuredFromEvents(kpi_id.clone()));
                }
                Some(_) => {}
            }
        }
        let feedback = self
            .feedback(district, project_id, &facts.grid, period, min_position)
            .await?;
        let measured = facts
            .kpis
            .iter()
            .filter_map(|kpi| {
                let value = match kpi.kind {
                    KpiKind::Availability | KpiKind::ServiceLevel => {
                        Measurement::Percent(*given.get(&kpi.kpi_id)?)
                    }
                    KpiKind::ResponseTime => Measurement::Minutes(*given.get(&kpi.kpi_id)?),
                    KpiKind::Satisfaction => Measurement::Ratings {
                        count: feedback.rating_count,
                        star_sum: feedback.rating_star_sum,
                    },
                    KpiKind::GridCases => Measurement::Cases(feedback.grid_cases),
                    KpiKind::Unspecified => return None,
                };
                Some((kpi.kpi_id.clone(), value))
            })
            .collect();
        let command = ProjectCommand::SettlePeriod {
            district: district.clone(),
            settlement: Settlement { period, measured },
            at: self.now(),
        };
        self.step(context, district, project_id, command).await
    }
}
