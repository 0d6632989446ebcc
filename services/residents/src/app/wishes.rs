//! Micro-wishes (微心愿) in the application layer, stream `wish-<uuid>`.
//!
//! Contract: a wish is posted by a resident living in the district; a
//! volunteer or party member claimant is a resident living in the district
//! (a unit claimant is the unit's own id); the decider checks who may
//! release, fulfil, confirm and withdraw. Times come from
//! [`ParticipationApp::now`]. Queries show each open wish's age band,
//! computed when asked from `posted_at` and `now()`, never stored, so a wish
//! ages on the board without any event.

use super::participation::{ParticipationApp, ParticipationError, RuleError};
use crate::domain::participation::wishes::{
    Claimant, Wish, WishAge, WishClaimantKind, WishCommand, WishError, WishStatus, age_band,
};
use crate::projections::wishes::{status_from_name, status_name};
use chrono::{DateTime, Utc};
use gongzhi_commands::Receipt;
use gongzhi_divisions::CommunityCode;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use uuid::Uuid;

pub const WISH_CATEGORY: &str = "wish";

const DEFAULT_PAGE_SIZE: u32 = 20;
const MAX_PAGE_SIZE: u32 = 100;

impl RuleError for WishError {
    fn reason(&self) -> &'static str {
        WishError::reason(self)
    }

    fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}

pub type WishAppError = ParticipationError<WishError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishView {
    pub wish_id: String,
    pub district: String,
    pub community: String,
    pub posted_by: String,
    pub text: String,
    pub posted_at: String,
    pub status: WishStatus,
    pub claimant: Option<Claimant>,
    pub note: String,
    pub claimed_at: String,
    pub fulfilled_at: String,
    pub confirmed_at: String,
    pub withdrawn_at: String,
    /// Set for open wishes only.
    pub age: Option<WishAge>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WishFilter {
    pub community: Option<String>,
    pub status: Option<WishStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishPage {
    pub wishes: Vec<WishView>,
    pub next_page_token: String,
}

#[derive(Clone)]
pub struct WishesApp {
    participation: ParticipationApp,
    read_model: ProjectionHandle,
}

impl WishesApp {
    pub fn new(participation: ParticipationApp, read_model: ProjectionHandle) -> Self {
        Self {
            participation,
            read_model,
        }
    }

    pub async fn post(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        community: CommunityCode,
        resident_id: Uuid,
        text: String,
    ) -> Result<(Uuid, Receipt), WishAppError> {
        self.participation
            .ensure_resident_here(&district, resident_id)
            .await?;
        let wish_id = Uuid::new_v5(&context.event_id(0), b"wish");
        let command = WishCommand::Post {
            wish_id: wish_id.to_string(),
            district: district.clone(),
            community: community.as_str().to_owned(),
            resident_id: resident_id.to_string(),
            text,
            posted_at: self.participation.now(),
        };
        let receipt = self.run(context, &district, wish_id, command).await?;
        Ok((wish_id, receipt))
    }

    pub async fn claim(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        wish_id: Uuid,
        claimant: Claimant,
    ) -> Result<Receipt, WishAppError> {
        self.ensure_claimant_here(&district, &claimant).await?;
        let command = WishCommand::Claim {
            district: district.clone(),
            claimant,
            claimed_at: self.participation.now(),
        };
        self.run(context, &district, wish_id, command).await
    }

    pub async fn release(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        wish_id: Uuid,
        claimant: Claimant,
    ) -> Result<Receipt, WishAppError> {
        let command = WishCommand::Release {
            district: district.clone(),
            claimant,
            released_at: self.participation.now(),
        };
        self.run(context, &district, wish_id, command).await
    }

    pub async fn fulfil(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        wish_id: Uuid,
        claimant: Claimant,
        note: String,
    ) -> Result<Receipt, WishAppError> {
        let command = WishCommand::Fulfil {
            district: district.clone(),
            claimant,
            note,
            fulfilled_at: self.participation.now(),
        };
        self.run(context, &district, wish_id, command).await
    }

    pub async fn confirm(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        wish_id: Uuid,
        resident_id: Uuid,
    ) -> Result<Receipt, WishAppError> {
        self.participation
            .ensure_resident_here(&district, resident_id)
            .await?;
        let command = WishCommand::Confirm {
            district: district.clone(),
            resident_id: resident_id.to_string(),
            confirmed_at: self.participation.now(),
        };
        self.run(context, &district, wish_id, command).await
    }

    pub async fn withdraw(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        wish_id: Uuid,
        resident_id: Uuid,
    ) -> Result<Receipt, WishAppError> {
        self.participation
            .ensure_resident_here(&district, resident_id)
            .await?;
        let command = WishCommand::Withdraw {
            district: district.clone(),
            resident_id: resident_id.to_string(),
            withdrawn_at: self.participation.now(),
        };
        self.run(context, &district, wish_id, command).await
    }

    pub async fn get(
        &self,
        district: &DistrictCode,
        wish_id: Uuid,
        min_position: u64,
    ) -> Result<WishView, WishAppError> {
        let mut tx = self
            .participation
            .read_after(&self.read_model, min_position)
            .await?;
        let row: Option<WishRow> = sqlx::query_as(&format!(
            "{SELECT_WISH} WHERE wish_id = $1 AND district = $2"
        ))
        .bind(wish_id.to_string())
        .bind(district.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let row = row.ok_or(ParticipationError::NotFound("wish"))?;
        Ok(self.view(row))
    }

    /// Oldest posted first; `after` is the previous page's token.
    pub async fn list(
        &self,
        district: &DistrictCode,
        filter: &WishFilter,
        page_size: u32,
        after: Option<i64>,
        min_position: u64,
    ) -> Result<WishPage, WishAppError> {
        let size = match page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let mut tx = self
            .participation
            .read_after(&self.read_model, min_position)
            .await?;
        // '' switches a filter off, so one statement serves every mix.
        let rows: Vec<WishRow> = sqlx::query_as(&format!(
            "{SELECT_WISH} WHERE district = $1 AND posted_position > $2 \
             AND ($3 = '' OR community = $3) AND ($4 = '' OR status = $4) \
             ORDER BY posted_position LIMIT $5"
        ))
        .bind(district.as_str())
        .bind(after.unwrap_or(-1))
        .bind(filter.community.clone().unwrap_or_default())
        .bind(filter.status.map(status_name).unwrap_or_default())
        .bind(i64::from(size) + 1)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let more = rows.len() > size as usize;
        let rows: Vec<WishRow> = rows.into_iter().take(size as usize).collect();
        let next_page_token = match rows.last() {
            Some(last) if more => last.14.to_string(),
            _ => String::new(),
        };
        Ok(WishPage {
            wishes: rows.into_iter().map(|row| self.view(row)).collect(),
            next_page_token,
        })
    }

    fn view(&self, row: WishRow) -> WishView {
        let status = status_from_name(&row.6);
        let age = match (status, parse_time(&row.5)) {
            (WishStatus::Open, Some(posted_at)) => {
                Some(age_band(posted_at, self.participation.now()))
            }
            _ => None,
        };
        let claimant = (!row.8.is_empty()).then(|| Claimant {
            kind: WishClaimantKind::try_from(i32::try_from(row.7).unwrap_or_default())
                .unwrap_or(WishClaimantKind::Unspecified),
            id: row.8.clone(),
        });
        WishView {
            wish_id: row.0,
            district: row.1,
            community: row.2,
            posted_by: row.3,
            text: row.4,
            posted_at: row.5,
            status,
            claimant,
            note: row.9,
            claimed_at: row.10,
            fulfilled_at: row.11,
            confirmed_at: row.12,
            withdrawn_at: row.13,
            age,
        }
    }

    /// A volunteer or party member is a resident living in the district.
    async fn ensure_claimant_here(
        &self,
        district: &DistrictCode,
        claimant: &Claimant,
    ) -> Result<(), WishAppError> {
        if claimant.kind == WishClaimantKind::Unit {
            return Ok(());
        }
        let resident_id =
            Uuid::parse_str(&claimant.id).map_err(|_| ParticipationError::Refused {
                reason: "CLAIMANT_NOT_RESIDENT",
                message: "a volunteer or party member claims by their resident id".to_owned(),
            })?;
        self.participation
            .ensure_resident_here(district, resident_id)
            .await
    }

    async fn run(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        wish_id: Uuid,
        command: WishCommand,
    ) -> Result<Receipt, WishAppError> {
        self.participation
            .run::<Wish>(context, district, WISH_CATEGORY, wish_id, command)
            .await
    }
}

type WishRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

const SELECT_WISH: &str = "SELECT wish_id, district, community, posted_by, text, posted_at, status, \
     claimant_kind, claimant_id, note, claimed_at, fulfilled_at, confirmed_at, withdrawn_at, \
     posted_position FROM wishes";

fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
#[path = "wishes_tests.rs"]
mod tests;
