//! The assemblies of one estate, a page at a time, earliest held first
//! (ties by assembly id), each as the assembly query shows it.

use super::super::estate_list::page_size;
use super::super::{AppError, PropertyApp};
use super::view::{AssemblyView, load_assembly};
use gongzhi_kernel::DistrictCode;
use uuid::Uuid;

/// Where a page ends: the held-on date and id of its last assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyCursor {
    pub held_on: String,
    pub assembly_id: String,
}

impl AssemblyCursor {
    /// The page token: `<held_on>/<assembly id>`.
    pub fn token(&self) -> String {
        format!("{}/{}", self.held_on, self.assembly_id)
    }

    /// A token this service gave out, or `None`.
    pub fn parse(token: &str) -> Option<Self> {
        let (held_on, id) = token.split_once('/')?;
        let held_on = chrono::NaiveDate::parse_from_str(held_on, "%Y-%m-%d").ok()?;
        let id = Uuid::parse_str(id).ok()?;
        Some(Self {
            held_on: held_on.format("%Y-%m-%d").to_string(),
            assembly_id: id.to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyPage {
    pub assemblies: Vec<AssemblyView>,
    /// Empty on the last page.
    pub next_page_token: String,
}

impl PropertyApp {
    /// Assemblies of `estate_id` in `district` after `after`. An estate of
    /// another district, or one without assemblies, lists none.
    pub async fn list_assemblies(
        &self,
        district: &DistrictCode,
        estate_id: Uuid,
        requested: u32,
        after: Option<&AssemblyCursor>,
        min_position: u64,
    ) -> Result<AssemblyPage, AppError> {
        let size = page_size(requested);
        let mut tx = self
            .read_after(&self.read_models.assemblies, min_position)
            .await?;
        // Written out rather than as a row-value comparison so both
        // PostgreSQL and SQLite read it the same; placeholders in order.
        let (held_on, id) = after.map_or((String::new(), String::new()), |c| {
            (c.held_on.clone(), c.assembly_id.clone())
        });
        let mut rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT assembly_id, held_on FROM assemblies WHERE district = $1 AND estate_id = $2 \
             AND (held_on > $3 OR (held_on = $4 AND assembly_id > $5)) \
             ORDER BY held_on, assembly_id LIMIT $6",
        )
        .bind(district.as_str().to_owned())
        .bind(estate_id.to_string())
        .bind(held_on.clone())
        .bind(held_on)
        .bind(id)
        .bind(i64::from(size) + 1)
        .fetch_all(&mut *tx)
        .await?;
        let more = rows.len() > size as usize;
        rows.truncate(size as usize);
        let mut assemblies = Vec::with_capacity(rows.len());
        for (assembly_id, _) in &rows {
            if let Some(view) = load_assembly(&mut tx, district, assembly_id).await? {
                assemblies.push(view);
            }
        }
        tx.commit().await?;
        let next_page_token = match rows.last() {
            Some((assembly_id, held_on)) if more => AssemblyCursor {
                held_on: held_on.clone(),
                assembly_id: assembly_id.clone(),
            }
            .token(),
            _ => String::new(),
        };
        Ok(AssemblyPage {
            assemblies,
            next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_through_its_token() {
        let cursor = AssemblyCursor {
            held_on: "2026-03-20".into(),
            assembly_id: "0d5b9c2e-8f3a-4d7e-9b1c-2a6e4f8d0c13".into(),
        };
        assert_eq!(AssemblyCursor::parse(&cursor.token()), Some(cursor));
    }

    #[test]
    fn foreign_tokens_are_not_cursors() {
        for token in [
            "",
            "2026-03-20",
            "x/y",
            "2026-02-30/0d5b9c2e-8f3a-4d7e-9b1c-2a6e4f8d0c13",
        ] {
            assert_eq!(AssemblyCursor::parse(token), None, "{token}");
        }
    }
}
