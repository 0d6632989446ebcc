//! The procurement context (政府购买服务): the district buys community
//! services (elderly care, culture, mediation, training, nursing) from
//! registered providers, from its published catalogue to an evaluated and
//! paid contract, and funds community projects through venture philanthropy
//! rounds (公益创投).

pub mod domain;

/// Bounded context name, as in `gongzhi.procurement.v1.*` and NATS subjects.
pub const CONTEXT: &str = "procurement";
