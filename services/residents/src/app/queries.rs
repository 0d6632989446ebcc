//! Queries over the `residents` read model. Personal fields are opened per
//! resident (nothing to open after erasure) and masked unless the caller's
//! role may see them in clear.

use super::sealing::{DWELLING, ID_NUMBER, NAME, PHONE};
use super::{AppError, ResidentsApp};
use gongzhi_kernel::DistrictCode;
use gongzhi_privacy::masking::{mask_id_number, mask_middle, mask_name, mask_phone};
use gongzhi_privacy::{Opened, Sealed, SubjectId};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use std::collections::BTreeMap;

pub const MAX_PAGE_SIZE: u32 = 200;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalDataView {
    Clear,
    Masked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResidentFilter {
    All,
    Community(String),
    Grid(String),
    Tag(pb::NeedsTag),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentView {
    pub resident_id: String,
    pub district: String,
    pub community: String,
    pub grid: String,
    pub residency: i32,
    pub sex: i32,
    pub birth_year: u32,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub dwelling: String,
    pub tags: Vec<pb::NeedsTag>,
    pub moved_out: bool,
    pub erased: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentPage {
    pub residents: Vec<ResidentView>,
    pub next_page_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityCount {
    pub community: String,
    pub registered: u64,
    pub floating: u64,
    pub tags: Vec<(pb::NeedsTag, u64)>,
}

type Row = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    i64,
    i64,
);

const SELECT_RESIDENT: &str = "SELECT r.resident_id, r.district, r.community, r.grid, r.residency, r.sex, r.birth_year, \
     r.name, r.id_number, r.phone, r.dwelling, r.moved_out, r.erased FROM residents r";

impl ResidentsApp {
    pub async fn get(
        &self,
        district: &DistrictCode,
        resident_id: &str,
        min_position: u64,
        view: PersonalDataView,
    ) -> Result<ResidentView, AppError> {
        self.residents.wait_for(min_position, self.max_wait).await?;
        let mut tx = self.residents.read().await?;
        let sql = format!("{SELECT_RESIDENT} WHERE r.resident_id = $1 AND r.district = $2");
        let row: Option<Row> = sqlx::query_as(&sql)
            .bind(resident_id)
            .bind(district.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(gongzhi_projections::ProjectionError::from)?;
        let tags = match &row {
            Some(_) => read_tags(&mut tx, resident_id).await?,
            None => Vec::new(),
        };
        tx.commit()
            .await
            .map_err(gongzhi_projections::ProjectionError::from)?;
        let Some(row) = row else {
            return Err(AppError::NotFound);
        };
        self.view(row, tags, view).await
    }

    pub async fn list(
        &self,
        district: &DistrictCode,
        filter: &ResidentFilter,
        page_size: u32,
        after: Option<&str>,
        min_position: u64,
        view: PersonalDataView,
    ) -> Result<ResidentPage, AppError> {
        self.residents.wait_for(min_position, self.max_wait).await?;
        let size = if page_size == 0 {
            DEFAULT_PAGE_SIZE
        } else {
            page_size.min(MAX_PAGE_SIZE)
        };
        let (condition, argument) = match filter {
            ResidentFilter::All => ("$3 = $3", String::new()),
            ResidentFilter::Community(community) => ("r.community = $3", community.clone()),
            ResidentFilter::Grid(grid) => ("r.grid = $3", grid.clone()),
            ResidentFilter::Tag(tag) => (
                "r.resident_id IN (SELECT resident_id FROM resident_tags WHERE tag = CAST($3 AS BIGINT))",
                (*tag as i32).to_string(),
            ),
        };
        let sql = format!(
            "{SELECT_RESIDENT} WHERE r.district = $1 AND r.resident_id > $2 AND {condition} ORDER BY r.resident_id LIMIT $4"
        );
        let mut tx = self.residents.read().await?;
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(district.as_str())
            .bind(after.unwrap_or(""))
            .bind(argument)
            .bind(i64::from(size) + 1)
            .fetch_all(&mut *tx)
            .await
            .map_err(gongzhi_projections::ProjectionError::from)?;
        let more = rows.len() > size as usize;
        let mut residents = Vec::new();
        for row in rows.into_iter().take(size as usize) {
            let tags = read_tags(&mut tx, &row.0).await?;
            residents.push(self.view(row, tags, view).await?);
        }
        tx.commit()
            .await
            .map_err(gongzhi_projections::ProjectionError::from)?;
        let next_page_token = if more {
            residents
                .last()
                .map(|r| r.resident_id.clone())
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(ResidentPage {
            residents,
            next_page_token,
        })
    }

    /// Residents living in the district per community, registered and
    /// floating, and per needs tag. Erased residents still count.
    pub async fn counts(
        &self,
        district: &DistrictCode,
        min_position: u64,
    ) -> Result<Vec<CommunityCount>, AppError> {
        self.residents.wait_for(min_position, self.max_wait).await?;
        let mut tx = self.residents.read().await?;
        let by_residency: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT community, residency, COUNT(*) FROM residents WHERE district = $1 AND moved_out = 0 \
             GROUP BY community, residency ORDER BY community",
        )
        .bind(district.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(gongzhi_projections::ProjectionError::from)?;
        let by_tag: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT r.community, t.tag, COUNT(*) FROM resident_tags t JOIN residents r ON r.resident_id = t.resident_id \
             WHERE r.district = $1 AND r.moved_out = 0 GROUP BY r.community, t.tag ORDER BY r.community, t.tag",
        )
        .bind(district.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(gongzhi_projections::ProjectionError::from)?;
        tx.commit()
            .await
            .map_err(gongzhi_projections::ProjectionError::from)?;
        let mut communities: BTreeMap<String, CommunityCount> = BTreeMap::new();
        let entry = |map: &mut BTreeMap<String, CommunityCount>, community: &str| {
            map.entry(community.to_owned())
                .or_insert_with(|| CommunityCount {
                    community: community.to_owned(),
                    registered: 0,
                    floating: 0,
                    tags: Vec::new(),
                })
                .clone()
        };
        for (community, residency, count) in by_residency {
            let mut counts = entry(&mut communities, &community);
            let count = u64::try_from(count).unwrap_or(0);
            if residency == pb::Residency::Floating as i64 {
                counts.floating += count;
            } else {
                counts.registered += count;
            }
            communities.insert(community, counts);
        }
        for (community, tag, count) in by_tag {
            let mut counts = entry(&mut communities, &community);
            if let Some(tag) = i32::try_from(tag)
                .ok()
                .and_then(|t| pb::NeedsTag::try_from(t).ok())
            {
                counts.tags.push((tag, u64::try_from(count).unwrap_or(0)));
            }
            communities.insert(community, counts);
        }
        Ok(communities.into_values().collect())
    }

    async fn view(
        &self,
        row: Row,
        tags: Vec<pb::NeedsTag>,
        view: PersonalDataView,
    ) -> Result<ResidentView, AppError> {
        let (
            resident_id,
            district,
            community,
            grid,
            residency,
            sex,
            birth_year,
            name,
            id_number,
            phone,
            dwelling,
            moved_out,
            erased,
        ) = row;
        let subject =
            SubjectId::parse(&resident_id).map_err(|e| AppError::Corrupt(e.to_string()))?;
        let name = self.open(&subject, NAME, name).await?;
        let id_number = self.open(&subject, ID_NUMBER, id_number).await?;
        let phone = self.open(&subject, PHONE, phone).await?;
        let dwelling = self.open(&subject, DWELLING, dwelling).await?;
        let masked = view == PersonalDataView::Masked;
        let shown = |value: String, mask: fn(&str) -> String| {
            if masked && !value.is_empty() {
                mask(&value)
            } else {
                value
            }
        };
        Ok(ResidentView {
            resident_id,
            district,
            community,
            grid,
            residency: i32::try_from(residency).unwrap_or(0),
            sex: i32::try_from(sex).unwrap_or(0),
            birth_year: u32::try_from(birth_year).unwrap_or(0),
            name: shown(name, mask_name),
            id_number: shown(id_number, mask_id_number),
            phone: shown(phone, mask_phone),
            dwelling: shown(dwelling, mask_dwelling),
            tags,
            moved_out: moved_out != 0,
            erased: erased != 0,
        })
    }

    /// Opens one sealed field; empty when absent or erased.
    async fn open(
        &self,
        subject: &SubjectId,
        field: &str,
        blob: Option<Vec<u8>>,
    ) -> Result<String, AppError> {
        let Some(blob) = blob else {
            return Ok(String::new());
        };
        let sealed = Sealed::from_bytes(&blob).map_err(|e| AppError::Corrupt(e.to_string()))?;
        Ok(match self.vault.open(subject, field, &sealed).await? {
            Opened::Plain(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Opened::Erased => String::new(),
        })
    }
}

fn mask_dwelling(dwelling: &str) -> String {
    mask_middle(dwelling, 4, 0)
}

async fn read_tags(
    tx: &mut sqlx::AnyConnection,
    resident_id: &str,
) -> Result<Vec<pb::NeedsTag>, AppError> {
    let tags: Vec<i64> =
        sqlx::query_scalar("SELECT tag FROM resident_tags WHERE resident_id = $1 ORDER BY tag")
            .bind(resident_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(gongzhi_projections::ProjectionError::from)?;
    Ok(tags
        .into_iter()
        .filter_map(|t| {
            i32::try_from(t)
                .ok()
                .and_then(|t| pb::NeedsTag::try_from(t).ok())
        })
        .collect())
}
