//! Satisfaction ratings through the application layer: a resident of the
//! district rates a subject once; the rating is published as `RatingGiven`
//! on stream `rating-<id>` for the contexts that own the subject.
//!
//! Contract:
//! - The rater must live in the district now, checked against the
//!   resident's own stream; the rating carries the rater's community from
//!   that stream, not from the request.
//! - The rating id is derived from (rater, subject kind, subject id)
//!   ([`RatingSubject::rating_id`]): a second rating of the same subject by
//!   the same resident, whatever its request id, is refused by the decider
//!   with `RATING_ALREADY_GIVEN` and the first one stands; a retry of the same
//!   request replays its receipt.
//! - Times come from the participation clock. Queries answer from the
//!   `ratings` read model of the caller's district, with read-your-writes.

mod queries;

pub use queries::{RatingFilter, RatingPage, RatingSummaryView, RatingView};

use super::RESIDENT_CATEGORY;
use super::participation::{ParticipationApp, ParticipationError, RuleError};
use crate::domain::participation::ratings::{Rating, RatingCommand, RatingError, RatingSubject};
use crate::domain::{Resident, ResidentState};
use gongzhi_commands::{CommandError, Receipt, load};
use gongzhi_eventstore::{StoreError, StreamName};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use uuid::Uuid;

pub const RATING_CATEGORY: &str = "rating";

pub type RatingAppError = ParticipationError<RatingError>;

/// A rating as asked for, validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateSubject {
    pub rater: Uuid,
    pub subject: RatingSubject,
    pub stars: u32,
    pub comment: String,
}

impl RuleError for RatingError {
    fn reason(&self) -> &'static str {
        RatingError::reason(self)
    }

    fn hides_existence(&self) -> bool {
        false
    }
}

#[derive(Clone)]
pub struct RatingsApp {
    participation: ParticipationApp,
    ratings: ProjectionHandle,
}

impl RatingsApp {
    pub fn new(participation: ParticipationApp, ratings: ProjectionHandle) -> Self {
        Self {
            participation,
            ratings,
        }
    }

    /// Records the rating; answers its id and receipt.
    pub async fn rate(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        rate: RateSubject,
    ) -> Result<(Uuid, Receipt), RatingAppError> {
        let community = self.rater_community(district, rate.rater).await?;
        let rating_id = rate.subject.rating_id(rate.rater);
        let command = RatingCommand::Rate {
            rating_id: rating_id.to_string(),
            district: district.clone(),
            community,
            subject_kind: rate.subject.kind(),
            subject_id: rate.subject.id().to_owned(),
            rater: rate.rater.to_string(),
            stars: rate.stars,
            comment: rate.comment,
            rated_at: self.participation.now(),
        };
        let receipt = self
            .participation
            .run::<Rating>(context, district, RATING_CATEGORY, rating_id, command)
            .await?;
        // A replayed request answers the stream it wrote the first time.
        let rating_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(rating_id);
        Ok((rating_id, receipt))
    }

    /// The rater's community, from their own stream, once they are known to
    /// live in the district.
    async fn rater_community(
        &self,
        district: &DistrictCode,
        rater: Uuid,
    ) -> Result<String, RatingAppError> {
        self.participation
            .ensure_resident_here::<RatingError>(district, rater)
            .await?;
        let stream = StreamName::new(RESIDENT_CATEGORY, rater).map_err(StoreError::from)?;
        match load::<Resident>(self.participation.store().as_ref(), &stream).await {
            Ok((ResidentState::Present { community, .. }, _)) => Ok(community),
            Ok((ResidentState::Absent, _)) => Err(ParticipationError::ResidentNotHere(rater)),
            Err(CommandError::Store(store)) => Err(ParticipationError::Store(store)),
            Err(_) => Err(ParticipationError::ResidentNotHere(rater)),
        }
    }
}
