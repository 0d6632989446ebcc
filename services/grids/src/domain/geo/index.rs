//! Resolves a point to its unit grid.
//!
//! Grids are kept with their bounding box and area. `locate` first drops every
//! grid whose box does not hold the point (a few float comparisons per grid,
//! some microseconds for a few thousand grids), then runs the exact test on
//! the few that remain. When several grids contain the point (overlapping
//! drawings, or a point on a shared edge) the smallest by area wins, and
//! among equal areas the smallest code, so the answer never depends on
//! insertion order.

use super::{Boundary, BoundingBox, LatLng};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct GridIndex {
    grids: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    boundary: Boundary,
    bbox: BoundingBox,
    area: f64,
}

impl GridIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the grid, or replaces its boundary when the code is already there.
    pub fn insert(&mut self, code: impl Into<String>, boundary: Boundary) {
        let entry = Entry {
            bbox: boundary.bbox(),
            area: boundary.area(),
            boundary,
        };
        self.grids.insert(code.into(), entry);
    }

    /// Removes the grid (say, when it is retired); its boundary if it was there.
    pub fn remove(&mut self, code: &str) -> Option<Boundary> {
        self.grids.remove(code).map(|entry| entry.boundary)
    }

    pub fn get(&self, code: &str) -> Option<&Boundary> {
        self.grids.get(code).map(|entry| &entry.boundary)
    }

    pub fn len(&self) -> usize {
        self.grids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// The code of the grid containing the point, the smallest when several do.
    pub fn locate(&self, point: LatLng) -> Option<&str> {
        let mut best: Option<(&str, f64)> = None;
        // Codes come in ascending order, so a strict `<` keeps the smallest
        // code among equal areas.
        for (code, entry) in &self.grids {
            if !entry.bbox.contains(point) {
                continue;
            }
            if best.is_some_and(|(_, area)| entry.area >= area) {
                continue;
            }
            if entry.boundary.contains(point) {
                best = Some((code, entry.area));
            }
        }
        best.map(|(code, _)| code)
    }
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
