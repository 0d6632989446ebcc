//! Queries over the `ratings` read model of one district: a subject's
//! summary with exact figures, and pages of ratings newest first.

use super::{RatingAppError, RatingsApp};
use crate::domain::participation::ratings::{RatingError, RatingSubject, RatingSubjectKind, STARS};
use gongzhi_kernel::DistrictCode;

pub const MAX_PAGE_SIZE: u32 = 200;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// A subject's ratings in a district. The average is exactly
/// `star_sum / count`; nothing here is rounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingSummaryView {
    pub count: u64,
    pub star_sum: u64,
    /// Ratings per star, 1 to 5 in order.
    pub distribution: [u64; 5],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatingFilter {
    Subject(RatingSubject),
    /// The raters' 12-digit community code.
    Community(String),
    District,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingView {
    pub rating_id: String,
    pub district: String,
    pub community: String,
    pub subject_kind: i32,
    pub subject_id: String,
    pub rater: String,
    pub stars: u32,
    pub comment: String,
    pub rated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingPage {
    pub ratings: Vec<RatingView>,
    /// The position to continue below; `None` on the last page.
    pub next_before: Option<u64>,
}

type Row = (
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
    String,
    String,
    i64,
);

const SELECT_RATING: &str = "SELECT rating_id, district, community, subject_kind, subject_id, rater, stars, comment, rated_at, position FROM ratings";

fn kind_column(kind: RatingSubjectKind) -> i64 {
    i64::from(kind as i32)
}

impl RatingsApp {
    pub async fn summary(
        &self,
        district: &DistrictCode,
        subject: &RatingSubject,
        min_position: u64,
    ) -> Result<RatingSummaryView, RatingAppError> {
        let mut tx = self
            .participation
            .read_after::<RatingError>(&self.ratings, min_position)
            .await?;
        let counts: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT stars, COUNT(*) FROM ratings WHERE district = $1 AND subject_kind = $2 AND subject_id = $3 GROUP BY stars",
        )
        .bind(district.as_str())
        .bind(kind_column(subject.kind()))
        .bind(subject.id())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut summary = RatingSummaryView {
            count: 0,
            star_sum: 0,
            distribution: [0; 5],
        };
        for (stars, count) in counts {
            let (Ok(stars), Ok(count)) = (u32::try_from(stars), u64::try_from(count)) else {
                continue;
            };
            // The decider never records other stars; a row outside 1..=5
            // would be corruption and is left out rather than miscounted.
            if !STARS.contains(&stars) {
                continue;
            }
            if let Some(slot) = summary.distribution.get_mut((stars - 1) as usize) {
                *slot += count;
            }
            summary.count += count;
            summary.star_sum += u64::from(stars) * count;
        }
        Ok(summary)
    }

    /// Ratings of the filter, newest first, below `before` when continuing.
    pub async fn list(
        &self,
        district: &DistrictCode,
        filter: &RatingFilter,
        page_size: u32,
        before: Option<u64>,
        min_position: u64,
    ) -> Result<RatingPage, RatingAppError> {
        let size = if page_size == 0 {
            DEFAULT_PAGE_SIZE
        } else {
            page_size.min(MAX_PAGE_SIZE)
        };
        let condition = match filter {
            RatingFilter::Subject(_) => "AND subject_kind = $4 AND subject_id = $5",
            RatingFilter::Community(_) => "AND community = $4",
            RatingFilter::District => "",
        };
        let sql = format!(
            "{SELECT_RATING} WHERE district = $1 AND position < $2 {condition} ORDER BY position DESC LIMIT $3"
        );
        let before = before
            .and_then(|p| i64::try_from(p).ok())
            .unwrap_or(i64::MAX);
        let mut tx = self
            .participation
            .read_after::<RatingError>(&self.ratings, min_position)
            .await?;
        let mut query = sqlx::query_as::<_, Row>(&sql)
            .bind(district.as_str().to_owned())
            .bind(before)
            .bind(i64::from(size) + 1);
        match filter {
            RatingFilter::Subject(subject) => {
                query = query
                    .bind(kind_column(subject.kind()))
                    .bind(subject.id().to_owned());
            }
            RatingFilter::Community(community) => query = query.bind(community.clone()),
            RatingFilter::District => {}
        }
        let rows = query.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let more = rows.len() > size as usize;
        let rows: Vec<Row> = rows.into_iter().take(size as usize).collect();
        let next_before = if more {
            rows.last().and_then(|row| u64::try_from(row.9).ok())
        } else {
            None
        };
        Ok(RatingPage {
            ratings: rows.into_iter().map(view).collect(),
            next_before,
        })
    }
}

fn view(row: Row) -> RatingView {
    let (rating_id, district, community, kind, subject_id, rater, stars, comment, rated_at, _) =
        row;
    RatingView {
        rating_id,
        district,
        community,
        subject_kind: i32::try_from(kind).unwrap_or(0),
        subject_id,
        rater,
        stars: u32::try_from(stars).unwrap_or(0),
        comment,
        rated_at,
    }
}
