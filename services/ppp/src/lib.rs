//! The PPP context (政府和社会资本合作): community facilities built and run
//! by private partners, from identification to handover, within the
//! district's fiscal cap, paid by performance, published as OCDS.

pub mod domain;
