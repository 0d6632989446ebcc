//! National identifiers validated on input: the resident ID number
//! (GB 11643-1999), the unified social credit code of organisations
//! (GB 32100-2015) and mainland phone numbers.
//!
//! Each is a newtype whose only constructor is `parse`, so a value of the type
//! is always well formed and its check character is right. Personal
//! identifiers (ID number, phone) deliberately implement neither `Display` nor
//! `Serialize`, and their `Debug` prints the masked form: a number can reach a
//! log, an event or a trace only through an explicit `as_str()`.
//! Their error messages never quote the input either.

mod phone_number;
mod resident_id;
mod social_credit_code;

pub use phone_number::{PhoneNumber, PhoneNumberError, PhoneNumberErrorKind};
pub use resident_id::{BirthDateProblem, IdNumberError, IdNumberErrorKind, ResidentIdNumber, Sex};
pub use social_credit_code::{SocialCreditCode, SocialCreditCodeError, SocialCreditCodeErrorKind};
