//! Pure rules of the property context: no I/O, times passed in.

pub mod area;
pub mod assembly;
pub mod committee;
pub mod first_assembly;
pub mod share;
