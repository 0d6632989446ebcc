//! The estates of a district, a page at a time in estate id order, from
//! the `property_estates` read model.

use super::{AppError, PropertyApp};
use gongzhi_kernel::DistrictCode;

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

/// `0` is the default; more than the maximum is the maximum.
pub fn page_size(requested: u32) -> u32 {
    match requested {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    }
}

/// An estate as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstateSummaryView {
    pub estate_id: String,
    pub district: String,
    pub community: String,
    pub name: String,
    pub developer_id: String,
    pub unit_count: u32,
    pub delivered_unit_count: u32,
    pub preparatory_group_formed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstatePage {
    pub estates: Vec<EstateSummaryView>,
    /// The last estate id of this page when more may follow; empty on the last.
    pub next_page_token: String,
}

type SummaryRow = (String, String, String, String, String, i64, i64);

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl PropertyApp {
    /// Estates of `district` (of `community` when given) after `after`.
    pub async fn list_estates(
        &self,
        district: &DistrictCode,
        community: Option<&str>,
        requested: u32,
        after: Option<&str>,
        min_position: u64,
    ) -> Result<EstatePage, AppError> {
        let size = page_size(requested);
        // Placeholders appear in number order, as SQLite binds them.
        let (narrow, limit) = match community {
            Some(_) => (" AND e.community = $3", "$4"),
            None => ("", "$3"),
        };
        let sql = format!(
            "SELECT e.estate_id, e.community, e.name, e.developer_id, e.preparatory_group_formed_on, \
             (SELECT COUNT(*) FROM estate_units u WHERE u.estate_id = e.estate_id), \
             (SELECT COUNT(*) FROM estate_units u WHERE u.estate_id = e.estate_id AND u.owner_id <> '') \
             FROM estates e WHERE e.district = $1 AND e.estate_id > $2{narrow} \
             ORDER BY e.estate_id LIMIT {limit}"
        );
        let mut tx = self
            .read_after(&self.read_models.estates, min_position)
            .await?;
        let mut query = sqlx::query_as::<_, SummaryRow>(&sql)
            .bind(district.as_str().to_owned())
            .bind(after.unwrap_or("").to_owned());
        if let Some(community) = community {
            query = query.bind(community.to_owned());
        }
        let mut rows = query.bind(i64::from(size) + 1).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let more = rows.len() > size as usize;
        rows.truncate(size as usize);
        let next_page_token = if more {
            rows.last().map(|r| r.0.clone()).unwrap_or_default()
        } else {
            String::new()
        };
        let estates = rows
            .into_iter()
            .map(
                |(estate_id, community, name, developer_id, formed_on, units, delivered)| {
                    EstateSummaryView {
                        estate_id,
                        district: district.as_str().to_owned(),
                        community,
                        name,
                        developer_id,
                        unit_count: count(units),
                        delivered_unit_count: count(delivered),
                        preparatory_group_formed: !formed_on.is_empty(),
                    }
                },
            )
            .collect();
        Ok(EstatePage {
            estates,
            next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_default_and_cap() {
        assert_eq!(page_size(0), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(1), 1);
        assert_eq!(page_size(MAX_PAGE_SIZE), MAX_PAGE_SIZE);
        assert_eq!(page_size(MAX_PAGE_SIZE + 1), MAX_PAGE_SIZE);
    }
}
