//! A validated point and the axis-aligned box used to skip far-away shapes.

use super::GeoError;

/// A WGS 84 point: latitude in [-90, 90], longitude in [-180, 180], never NaN.
/// Note the order: GeoJSON writes positions as `[longitude, latitude]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLng {
    lat: f64,
    lng: f64,
}

impl LatLng {
    pub fn new(lat: f64, lng: f64) -> Result<Self, GeoError> {
        if lat.is_nan() || lng.is_nan() {
            return Err(GeoError::NotANumber);
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoError::LatitudeOutOfRange { value: lat });
        }
        if !(-180.0..=180.0).contains(&lng) {
            return Err(GeoError::LongitudeOutOfRange { value: lng });
        }
        Ok(Self { lat, lng })
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lng(&self) -> f64 {
        self.lng
    }
}

/// Smallest box holding a shape, edges included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lng: f64,
    pub min_lat: f64,
    pub max_lng: f64,
    pub max_lat: f64,
}

impl BoundingBox {
    /// The box of the given points, `None` when there are none.
    pub(super) fn around(points: impl IntoIterator<Item = LatLng>) -> Option<Self> {
        points.into_iter().fold(None, |acc, p| {
            Some(match acc {
                None => Self {
                    min_lng: p.lng,
                    min_lat: p.lat,
                    max_lng: p.lng,
                    max_lat: p.lat,
                },
                Some(b) => Self {
                    min_lng: b.min_lng.min(p.lng),
                    min_lat: b.min_lat.min(p.lat),
                    max_lng: b.max_lng.max(p.lng),
                    max_lat: b.max_lat.max(p.lat),
                },
            })
        })
    }

    pub fn contains(&self, point: LatLng) -> bool {
        (self.min_lng..=self.max_lng).contains(&point.lng)
            && (self.min_lat..=self.max_lat).contains(&point.lat)
    }
}
