//! The upcasters of the published contract, applied by every event store
//! `gongzhi` opens (`with_upcasters`), so old stored events reach deciders,
//! projections and the bus in the current shape.
//!
//! None yet: no breaking change has been made since schema version 1. When
//! one must be (docs/events.md, "Schema versions"): bump
//! `gongzhi_kernel::event::CURRENT_SCHEMA_VERSION`, add here an `Upcaster`
//! for every message whose layout changed, from the previous version,
//! decoding the old layout (keep it as a private prost struct in this crate)
//! and encoding the current message, and write the test with an event
//! stored in the old shape (tests/integration/tests/it/upcasting.rs shows
//! one). Then `scripts/proto-breaking --release`.

use gongzhi_kernel::Upcasters;

pub fn upcasters() -> Upcasters {
    Upcasters::new(Vec::new())
}
