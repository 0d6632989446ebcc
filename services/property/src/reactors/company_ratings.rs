//! Residents' satisfaction ratings of property companies become the
//! companies' rating read model (`property_company_ratings`).
//!
//! Contract: consumes the residents context's `RatingGiven` (stream
//! category `rating`) as a projection does, from its own durable consumer
//! with its checkpoint in the same transaction, so a rating is counted once
//! and the model can be rebuilt from the store. Only ratings with subject
//! `RATING_SUBJECT_KIND_PROPERTY_COMPANY` are kept, keyed by rating id, per
//! district and company (unified social credit code); other subjects and
//! other residents events are skipped. The summary is exact: count, sum of
//! stars and the count per star.

use crate::app::{AppError, PropertyApp};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::residents::v1 as residents;
use prost::Message;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub const COMPANY_RATINGS: &str = "property_company_ratings";

const RATING_GIVEN: &str = "gongzhi.residents.v1.RatingGiven";

pub struct CompanyRatingsReactor;

#[async_trait::async_trait]
impl Projection for CompanyRatingsReactor {
    fn name(&self) -> &'static str {
        COMPANY_RATINGS
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["rating"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/company_ratings/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/company_ratings/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        if event.event_type != RATING_GIVEN {
            return Ok(());
        }
        let rating = residents::RatingGiven::decode(event.payload.as_slice())
            .map_err(|e| ProjectionError::apply(COMPANY_RATINGS, event.event_id, e))?;
        if rating.subject_kind != residents::RatingSubjectKind::PropertyCompany as i32 {
            return Ok(());
        }
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(COMPANY_RATINGS, event.event_id, e))?;
        sqlx::query(
            "INSERT INTO company_ratings (rating_id, district, company_id, stars, rated_at, position) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (rating_id) DO NOTHING",
        )
        .bind(rating.rating_id)
        .bind(rating.district)
        .bind(rating.subject_id)
        .bind(i64::from(rating.stars))
        .bind(rating.rated_at)
        .bind(position)
        .execute(&mut *connection)
        .await?;
        Ok(())
    }
}

/// A company's ratings in a district. The average is exactly
/// `star_sum / count`; nothing is rounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRatingView {
    pub company_id: String,
    pub count: u64,
    pub star_sum: u64,
    /// Ratings per star, 1 to 5 in order.
    pub distribution: [u64; 5],
}

impl PropertyApp {
    /// The company's ratings by residents of `district`.
    pub async fn company_rating(
        &self,
        district: &DistrictCode,
        company_id: &str,
        min_position: u64,
    ) -> Result<CompanyRatingView, AppError> {
        let mut tx = self
            .read_after(&self.read_models.company_ratings, min_position)
            .await?;
        let counts: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT stars, COUNT(*) FROM company_ratings WHERE district = $1 AND company_id = $2 GROUP BY stars",
        )
        .bind(district.as_str())
        .bind(company_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut rating = CompanyRatingView {
            company_id: company_id.to_owned(),
            count: 0,
            star_sum: 0,
            distribution: [0; 5],
        };
        for (stars, count) in counts {
            let (Ok(stars), Ok(count)) = (u64::try_from(stars), u64::try_from(count)) else {
                continue;
            };
            // Residents never records other stars; a row outside 1..=5
            // would be corruption and is left out rather than miscounted.
            let Some(slot) = stars
                .checked_sub(1)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| rating.distribution.get_mut(i))
            else {
                continue;
            };
            *slot += count;
            rating.count += count;
            rating.star_sum += stars * count;
        }
        Ok(rating)
    }
}
