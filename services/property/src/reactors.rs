//! Reactions to other contexts' events.

mod company_ratings;
mod resident_links;

pub use company_ratings::{COMPANY_RATINGS, CompanyRatingView, CompanyRatingsReactor};
pub(crate) use resident_links::standings;
pub use resident_links::{RESIDENT_LINKS, ResidentLinksReactor};
