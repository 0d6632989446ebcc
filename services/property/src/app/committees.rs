//! Owners' committees through the application layer: elected on a decided
//! election matter read from the assembly's stream, filed, flagged late by
//! the system ([`super::late_filing`]).
//!
//! Contract: the committee id derives from the decision (assembly, matter),
//! so a decision elects at most one committee whatever the request id; the
//! election, filing and flag dates are today by the service's clock.

use super::{AppError, COMMITTEE_CATEGORY, PropertyApp};
use crate::domain::committee::{Committee, CommitteeCommand};
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::{CommandContext, GONGZHI_NAMESPACE};
use uuid::Uuid;

/// The id of the committee elected by `matter_id` of `assembly_id`.
pub fn committee_id(assembly_id: Uuid, matter_id: &str) -> Uuid {
    Uuid::new_v5(
        &GONGZHI_NAMESPACE,
        format!("committee\n{assembly_id}\n{matter_id}").as_bytes(),
    )
}

/// An unfiled, unflagged committee and its due date, for the watcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueFiling {
    pub committee_id: String,
    pub district: String,
    pub filing_due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeView {
    pub committee_id: String,
    pub estate_id: String,
    pub district: String,
    pub assembly_id: String,
    pub matter_id: String,
    /// Owner ids.
    pub members: Vec<String>,
    pub elected_on: String,
    pub filing_due_on: String,
    pub filed: bool,
    pub filed_on: String,
    /// Filed after the due date.
    pub filed_late: bool,
    pub housing_authority_ref: String,
    pub street_office_ref: String,
    /// Flagged by the system: not filed by the due date.
    pub flagged_late: bool,
    pub flagged_on: String,
}

const SELECT_COMMITTEE: &str = "SELECT committee_id, estate_id, district, assembly_id, matter_id, members, \
     elected_on, filing_due_on, filed, filed_on, filed_late, housing_authority_ref, street_office_ref, \
     flagged_late, flagged_on FROM committees";

fn view(r: CommitteeRow) -> CommitteeView {
    CommitteeView {
        committee_id: r.0,
        estate_id: r.1,
        district: r.2,
        assembly_id: r.3,
        matter_id: r.4,
        members: r
            .5
            .split('\n')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        elected_on: r.6,
        filing_due_on: r.7,
        filed: r.8 != 0,
        filed_on: r.9,
        filed_late: r.10 != 0,
        housing_authority_ref: r.11,
        street_office_ref: r.12,
        flagged_late: r.13 != 0,
        flagged_on: r.14,
    }
}

type CommitteeRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    String,
    String,
    i64,
    String,
);

impl PropertyApp {
    pub async fn elect_committee(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        assembly_id: Uuid,
        matter_id: &str,
        members: Vec<String>,
    ) -> Result<(Uuid, Receipt), AppError> {
        let decision = self.decision(district, assembly_id, matter_id).await?;
        let id = committee_id(assembly_id, matter_id);
        let command = CommitteeCommand::Elect {
            committee_id: id.to_string(),
            district: district.clone(),
            decision,
            members,
            elected_on: self.today(),
        };
        let receipt = self
            .run::<Committee>(context, district, COMMITTEE_CATEGORY, id, command)
            .await?;
        Ok((id, receipt))
    }

    pub async fn file_committee(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        committee_id: Uuid,
        housing_authority_ref: String,
        street_office_ref: String,
    ) -> Result<Receipt, AppError> {
        let command = CommitteeCommand::File {
            district: district.clone(),
            housing_authority_ref,
            street_office_ref,
            filed_on: self.today(),
        };
        self.run::<Committee>(context, district, COMMITTEE_CATEGORY, committee_id, command)
            .await
    }

    pub async fn flag_late_filing(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        committee_id: Uuid,
    ) -> Result<Receipt, AppError> {
        let command = CommitteeCommand::FlagLate {
            district: district.clone(),
            today: self.today(),
        };
        self.run::<Committee>(context, district, COMMITTEE_CATEGORY, committee_id, command)
            .await
    }

    pub async fn get_committee(
        &self,
        district: &DistrictCode,
        committee_id: Uuid,
        min_position: u64,
    ) -> Result<CommitteeView, AppError> {
        let mut tx = self
            .read_after(&self.read_models.committees, min_position)
            .await?;
        let row: Option<CommitteeRow> =
            sqlx::query_as(&format!("{SELECT_COMMITTEE} WHERE committee_id = $1"))
                .bind(committee_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        match row.map(view) {
            Some(found) if found.district == district.as_str() => Ok(found),
            // Another district's committee reads as a missing one.
            _ => Err(AppError::NotFound("committee")),
        }
    }

    /// Committees of `district` (of one estate when given), oldest election
    /// first; with `late_only`, only those flagged late.
    pub async fn list_committees(
        &self,
        district: &DistrictCode,
        estate_id: Option<Uuid>,
        late_only: bool,
        min_position: u64,
    ) -> Result<Vec<CommitteeView>, AppError> {
        let mut tx = self
            .read_after(&self.read_models.committees, min_position)
            .await?;
        let rows: Vec<CommitteeRow> = sqlx::query_as(&format!(
            "{SELECT_COMMITTEE} WHERE district = $1 AND ($2 = '' OR estate_id = $2) \
             AND ($3 = 0 OR flagged_late = 1) ORDER BY elected_on, committee_id"
        ))
        .bind(district.as_str())
        .bind(estate_id.map(|id| id.to_string()).unwrap_or_default())
        .bind(i64::from(late_only))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(view).collect())
    }

    /// Every committee neither filed nor flagged, in any district.
    pub async fn unfiled_committees(&self) -> Result<Vec<DueFiling>, AppError> {
        let mut tx = self.read_models.committees.read().await?;
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT committee_id, district, filing_due_on FROM committees \
             WHERE filed = 0 AND flagged_late = 0 ORDER BY filing_due_on",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(committee_id, district, filing_due_on)| DueFiling {
                committee_id,
                district,
                filing_due_on,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_vote_names_one_committee() {
        let assembly = Uuid::from_u128(1);
        assert_eq!(committee_id(assembly, "m1"), committee_id(assembly, "m1"));
        assert_ne!(committee_id(assembly, "m1"), committee_id(assembly, "m2"));
        assert_ne!(
            committee_id(assembly, "m1"),
            committee_id(Uuid::from_u128(2), "m1")
        );
    }
}
