//! Pure rules of the procurement context: no I/O, times passed in.

pub mod catalogue;
pub mod provider;
pub mod purchase;
pub mod rational;
pub mod venture;

mod text;
