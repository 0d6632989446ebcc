//! A grid boundary: a validated GeoJSON (RFC 7946) `Polygon` or
//! `MultiPolygon` geometry, holes allowed.
//!
//! Validation: every ring is closed (last position equals the first) and has
//! at least 4 positions; every position has a longitude in [-180, 180] and a
//! latitude in [-90, 90], neither NaN; a third coordinate (altitude) is
//! ignored. Not checked, for simplicity: self-intersection, holes lying inside
//! their outer ring, and ring orientation (even-odd counting does not need it).
//!
//! Containment is even-odd ray casting per polygon over its outer ring and
//! holes together, so a point in a hole is outside. The boundary is part of
//! the shape: a point on any edge or vertex, a hole's edge included, is
//! inside, to a tolerance of [`EDGE_TOLERANCE_DEGREES`].

use super::{BoundingBox, GeoError, LatLng};
use serde::Deserialize;

/// How far from an edge, in degrees, a point still counts as on it: about a
/// tenth of a millimetre, far below survey precision, enough to absorb
/// rounding in the cross product.
pub const EDGE_TOLERANCE_DEGREES: f64 = 1e-9;

/// A validated polygon or multipolygon. Build it with
/// [`Boundary::from_geojson`] or [`Boundary::from_polygons`].
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    polygons: Vec<Polygon>,
    bbox: BoundingBox,
}

#[derive(Debug, Clone, PartialEq)]
struct Polygon {
    /// The outer ring first, then the holes; each ring closed.
    rings: Vec<Vec<LatLng>>,
    bbox: BoundingBox,
}

#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: serde_json::Value,
}

type RawPolygon = Vec<Vec<Vec<f64>>>;

fn invalid_json(error: serde_json::Error) -> GeoError {
    GeoError::InvalidJson {
        reason: error.to_string(),
    }
}

impl Boundary {
    /// Parses a GeoJSON geometry object of type `Polygon` or `MultiPolygon`.
    pub fn from_geojson(text: &str) -> Result<Self, GeoError> {
        let raw: RawGeometry = serde_json::from_str(text).map_err(invalid_json)?;
        let polygons: Vec<RawPolygon> = match raw.kind.as_str() {
            "Polygon" => vec![serde_json::from_value(raw.coordinates).map_err(invalid_json)?],
            "MultiPolygon" => serde_json::from_value(raw.coordinates).map_err(invalid_json)?,
            _ => return Err(GeoError::UnsupportedGeometry { found: raw.kind }),
        };
        Self::build(polygons)
    }

    /// Builds from polygons of rings of `[longitude, latitude]` positions, the
    /// GeoJSON `MultiPolygon` coordinates; validated as GeoJSON text is.
    pub fn from_polygons(polygons: Vec<Vec<Vec<[f64; 2]>>>) -> Result<Self, GeoError> {
        let raw = polygons
            .into_iter()
            .map(|rings| {
                rings
                    .into_iter()
                    .map(|ring| ring.into_iter().map(Vec::from).collect())
                    .collect()
            })
            .collect();
        Self::build(raw)
    }

    fn build(raw: Vec<RawPolygon>) -> Result<Self, GeoError> {
        if raw.is_empty() {
            return Err(GeoError::Empty {
                what: "geometry".into(),
            });
        }
        let polygons = raw
            .into_iter()
            .enumerate()
            .map(|(index, rings)| Polygon::build(index, rings))
            .collect::<Result<Vec<_>, _>>()?;
        let bbox = BoundingBox::around(polygons.iter().flat_map(|p| p.rings[0].iter().copied()))
            .ok_or(GeoError::Empty {
                what: "geometry".into(),
            })?;
        Ok(Self { polygons, bbox })
    }

    /// Whether the point lies in the shape, edges and vertices included,
    /// holes excluded.
    pub fn contains(&self, point: LatLng) -> bool {
        self.bbox.contains(point) && self.polygons.iter().any(|p| p.contains(point))
    }

    pub fn bbox(&self) -> BoundingBox {
        self.bbox
    }

    /// Planar area in square degrees, holes subtracted. Only good for
    /// comparing shapes that lie close together, which is what it is for.
    pub fn area(&self) -> f64 {
        self.polygons.iter().map(Polygon::area).sum()
    }

    pub fn polygon_count(&self) -> usize {
        self.polygons.len()
    }

    /// Canonical GeoJSON text: a `Polygon` when there is one polygon, else a
    /// `MultiPolygon`; no other members. Parsing it gives back an equal
    /// boundary, because numbers are written in their shortest exact form.
    pub fn to_geojson(&self) -> String {
        let coordinates = |polygon: &Polygon| -> Vec<Vec<[f64; 2]>> {
            polygon
                .rings
                .iter()
                .map(|ring| ring.iter().map(|p| [p.lng(), p.lat()]).collect())
                .collect()
        };
        let geometry = match self.polygons.as_slice() {
            [single] => {
                serde_json::json!({ "type": "Polygon", "coordinates": coordinates(single) })
            }
            many => serde_json::json!({
                "type": "MultiPolygon",
                "coordinates": many.iter().map(coordinates).collect::<Vec<_>>(),
            }),
        };
        geometry.to_string()
    }
}

impl Polygon {
    fn build(polygon: usize, raw: RawPolygon) -> Result<Self, GeoError> {
        if raw.is_empty() {
            return Err(GeoError::Empty {
                what: format!("polygon {polygon}"),
            });
        }
        let rings = raw
            .into_iter()
            .enumerate()
            .map(|(ring, positions)| build_ring(polygon, ring, positions))
            .collect::<Result<Vec<_>, _>>()?;
        let bbox = BoundingBox::around(rings[0].iter().copied()).ok_or(GeoError::Empty {
            what: format!("polygon {polygon}"),
        })?;
        Ok(Self { rings, bbox })
    }

    fn contains(&self, point: LatLng) -> bool {
        if !self.bbox.contains(point) {
            return false;
        }
        if self.rings.iter().any(|ring| on_ring(ring, point)) {
            return true;
        }
        let crossings = self
            .rings
            .iter()
            .map(|ring| crossings_to_the_right(ring, point))
            .sum::<usize>();
        crossings % 2 == 1
    }

    fn area(&self) -> f64 {
        let mut rings = self.rings.iter().map(|ring| ring_area(ring));
        let outer = rings.next().unwrap_or(0.0);
        outer - rings.sum::<f64>()
    }
}

fn build_ring(polygon: usize, ring: usize, raw: Vec<Vec<f64>>) -> Result<Vec<LatLng>, GeoError> {
    let positions = raw
        .iter()
        .enumerate()
        .map(|(position, coordinates)| match coordinates.as_slice() {
            [lng, lat, ..] => LatLng::new(*lat, *lng),
            _ => Err(GeoError::MalformedPosition {
                polygon,
                ring,
                position,
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if positions.len() < 4 {
        return Err(GeoError::TooFewPositions {
            polygon,
            ring,
            count: positions.len(),
        });
    }
    if positions.first() != positions.last() {
        return Err(GeoError::RingNotClosed { polygon, ring });
    }
    Ok(positions)
}

/// Consecutive positions of a closed ring as edges.
fn edges(ring: &[LatLng]) -> impl Iterator<Item = (LatLng, LatLng)> + '_ {
    ring.windows(2).map(|pair| (pair[0], pair[1]))
}

fn on_ring(ring: &[LatLng], point: LatLng) -> bool {
    edges(ring).any(|(a, b)| on_segment(point, a, b))
}

fn on_segment(p: LatLng, a: LatLng, b: LatLng) -> bool {
    let (dx, dy) = (b.lng() - a.lng(), b.lat() - a.lat());
    let length = dx.hypot(dy);
    if length == 0.0 {
        return (p.lng() - a.lng()).hypot(p.lat() - a.lat()) <= EDGE_TOLERANCE_DEGREES;
    }
    let distance_to_line = (dx * (p.lat() - a.lat()) - dy * (p.lng() - a.lng())).abs() / length;
    let within = |v: f64, end1: f64, end2: f64| {
        v >= end1.min(end2) - EDGE_TOLERANCE_DEGREES && v <= end1.max(end2) + EDGE_TOLERANCE_DEGREES
    };
    distance_to_line <= EDGE_TOLERANCE_DEGREES
        && within(p.lng(), a.lng(), b.lng())
        && within(p.lat(), a.lat(), b.lat())
}

/// Edges crossed by a ray from the point towards increasing longitude. An edge
/// counts when it spans the point's latitude half-open (one end strictly
/// above), so a ray through a vertex is counted once, not twice.
fn crossings_to_the_right(ring: &[LatLng], p: LatLng) -> usize {
    edges(ring)
        .filter(|(a, b)| {
            if (a.lat() > p.lat()) == (b.lat() > p.lat()) {
                return false;
            }
            let crossing_lng =
                a.lng() + (p.lat() - a.lat()) * (b.lng() - a.lng()) / (b.lat() - a.lat());
            p.lng() < crossing_lng
        })
        .count()
}

/// Shoelace area of a closed ring, orientation ignored.
fn ring_area(ring: &[LatLng]) -> f64 {
    let twice: f64 = edges(ring)
        .map(|(a, b)| a.lng() * b.lat() - b.lng() * a.lat())
        .sum();
    twice.abs() / 2.0
}

#[cfg(test)]
#[path = "boundary_tests.rs"]
mod tests;
