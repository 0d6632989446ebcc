//! The grid map: geometry and the grid aggregate. Pure code, no I/O.
//!
//! - [`Boundary`] is a validated GeoJSON `Polygon` or `MultiPolygon` (holes
//!   allowed) in WGS 84 longitude/latitude; [`Boundary::contains`] answers
//!   whether a [`LatLng`] lies in it, edges included.
//! - [`GridIndex`] resolves a point to the grid that contains it.
//! - [`Grid`] is the unit grid aggregate (stream `grid-<15-digit code>`) as a
//!   pure decider: its code, community, name, boundary, duties (多网合一) and
//!   the workers assigned per duty. Its events are [`GridEvent`].
//!
//! Geometry is planar in degrees: fine for grids of a few hundred metres, not
//! meant for shapes that cross the antimeridian or a pole.

mod boundary;
mod error;
mod grid;
mod grid_code;
mod grid_codec;
mod grid_error;
mod index;
mod point;

pub use boundary::{Boundary, EDGE_TOLERANCE_DEGREES};
pub use error::{GeoError, GeoErrorKind};
pub use grid::{Assignment, Duty, Grid, GridCommand, GridDefinition, GridFacts, GridState};
pub use grid_code::{GridCode, InvalidGridCode};
pub use grid_codec::GridEvent;
pub use grid_error::GridError;
pub use index::GridIndex;
pub use point::{BoundingBox, LatLng};
