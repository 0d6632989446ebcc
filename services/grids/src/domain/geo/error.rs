//! Why a boundary or a point was refused. Match on [`GeoError::kind`], never
//! on the message; the message names the polygon and ring at fault so a
//! caller can show it as a field violation.

/// What kind of problem a [`GeoError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeoErrorKind {
    InvalidJson,
    UnsupportedGeometry,
    Empty,
    MalformedPosition,
    TooFewPositions,
    RingNotClosed,
    LongitudeOutOfRange,
    LatitudeOutOfRange,
    NotANumber,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoError {
    #[error("boundary is not valid geojson: {reason}")]
    InvalidJson { reason: String },
    #[error("geometry type {found:?} is not supported; use Polygon or MultiPolygon")]
    UnsupportedGeometry { found: String },
    #[error("{what} has no coordinates")]
    Empty { what: String },
    #[error("position {position} of ring {ring} of polygon {polygon} needs longitude and latitude")]
    MalformedPosition {
        polygon: usize,
        ring: usize,
        position: usize,
    },
    #[error("ring {ring} of polygon {polygon} has {count} positions; at least 4 are needed")]
    TooFewPositions {
        polygon: usize,
        ring: usize,
        count: usize,
    },
    #[error(
        "ring {ring} of polygon {polygon} is not closed: its last position must equal its first"
    )]
    RingNotClosed { polygon: usize, ring: usize },
    #[error("longitude {value} is outside [-180, 180]")]
    LongitudeOutOfRange { value: f64 },
    #[error("latitude {value} is outside [-90, 90]")]
    LatitudeOutOfRange { value: f64 },
    #[error("coordinate is not a number")]
    NotANumber,
}

impl GeoError {
    pub fn kind(&self) -> GeoErrorKind {
        match self {
            Self::InvalidJson { .. } => GeoErrorKind::InvalidJson,
            Self::UnsupportedGeometry { .. } => GeoErrorKind::UnsupportedGeometry,
            Self::Empty { .. } => GeoErrorKind::Empty,
            Self::MalformedPosition { .. } => GeoErrorKind::MalformedPosition,
            Self::TooFewPositions { .. } => GeoErrorKind::TooFewPositions,
            Self::RingNotClosed { .. } => GeoErrorKind::RingNotClosed,
            Self::LongitudeOutOfRange { .. } => GeoErrorKind::LongitudeOutOfRange,
            Self::LatitudeOutOfRange { .. } => GeoErrorKind::LatitudeOutOfRange,
            Self::NotANumber => GeoErrorKind::NotANumber,
        }
    }
}
