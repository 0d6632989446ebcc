//! Reactions to other contexts' events.

mod company_ratings;

pub use company_ratings::{COMPANY_RATINGS, CompanyRatingView, CompanyRatingsReactor};
