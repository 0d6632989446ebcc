//! Pure rules of the property context: no I/O, times passed in.

pub mod area;
pub mod assembly;
pub mod committee;
pub mod dates;
pub mod decision_use;
pub mod dispute;
pub mod estate;
pub mod events;
pub mod fees;
pub mod first_assembly;
pub mod fund;
pub mod management;
pub mod owner_link;
pub mod share;

pub use events::{
    AssemblyEvent, CommitteeEvent, DisputeEvent, EstateEvent, FeeEvent, FundEvent, ManagementEvent,
};
