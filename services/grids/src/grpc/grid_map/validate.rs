//! Requests into application values. Every problem becomes one field
//! violation and all of them are reported together, so a caller fixes a
//! form in one round trip.

use crate::app::grid_map::GridFilter;
use crate::domain::geo::{Boundary, Duty, GeoErrorKind, GridCode, LatLng};
use gongzhi_divisions::Divisions;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::ApiError;
use std::collections::BTreeSet;

pub const MAX_NAME_CHARS: usize = 50;
pub const MAX_WORKER_ID_CHARS: usize = 64;
pub const MAX_REASON_CHARS: usize = 500;

/// The shared collector ([`gongzhi_server::Violations`]) with this
/// service's field parsers on top.
#[derive(Default)]
pub struct Violations(gongzhi_server::Violations);

impl std::ops::Deref for Violations {
    type Target = gongzhi_server::Violations;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Violations {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Violations {
    pub fn finish(self) -> Result<(), ApiError> {
        self.0.finish()
    }

    /// A unit grid of an existing community of the district.
    pub fn grid(&mut self, raw: &str, district: Option<&DistrictCode>) -> Option<GridCode> {
        if raw.is_empty() {
            self.add("grid", "required");
            return None;
        }
        // Without a valid district there is nothing to check it against; the
        // district's own violation says why.
        let real = self.check("grid", Divisions::embedded().unit_grid_in(raw, district?))?;
        self.check("grid", GridCode::parse(real.as_str()))
    }

    /// The GeoJSON text, once it parses as a valid boundary; the decider
    /// stores its canonical form.
    pub fn boundary(&mut self, raw: &str) -> Option<String> {
        if raw.trim().is_empty() {
            self.add("boundary_geojson", "required");
            return None;
        }
        self.check("boundary_geojson", Boundary::from_geojson(raw))
            .map(|_| raw.to_owned())
    }

    pub fn duty(&mut self, field: &str, raw: i32) -> Option<Duty> {
        match Duty::try_from(raw) {
            Ok(Duty::Unspecified) | Err(_) => {
                self.add(
                    field,
                    format!("{raw} is not a duty; use one of the DUTY_* values"),
                );
                None
            }
            Ok(duty) => Some(duty),
        }
    }

    /// At least one duty; duplicates count once.
    pub fn duties(&mut self, raw: &[i32]) -> Option<BTreeSet<Duty>> {
        if raw.is_empty() {
            self.add("duties", "at least one duty is required");
            return None;
        }
        let duties: Vec<Option<Duty>> = raw.iter().map(|d| self.duty("duties", *d)).collect();
        duties.into_iter().collect()
    }

    pub fn point(&mut self, latitude: f64, longitude: f64) -> Option<LatLng> {
        match LatLng::new(latitude, longitude) {
            Ok(point) => Some(point),
            Err(error) => {
                let field = match error.kind() {
                    GeoErrorKind::LongitudeOutOfRange => "longitude",
                    GeoErrorKind::NotANumber if longitude.is_nan() && !latitude.is_nan() => {
                        "longitude"
                    }
                    _ => "latitude",
                };
                self.add(field, error);
                None
            }
        }
    }

    /// At most one of community and street narrows a list.
    pub fn filter(
        &mut self,
        community: &str,
        street: &str,
        district: Option<&DistrictCode>,
    ) -> Option<GridFilter> {
        let divisions = Divisions::embedded();
        match (community.is_empty(), street.is_empty()) {
            (true, true) => Some(GridFilter::All),
            (false, false) => {
                self.add("community", "give at most one of community and street");
                None
            }
            (false, true) => self
                .check(
                    "community",
                    divisions.community_code_in(community, district?),
                )
                .map(|c| GridFilter::Community(c.as_str().to_owned())),
            (true, false) => self
                .check("street", divisions.street_code_in(street, district?))
                .map(|s| GridFilter::Street(s.as_str().to_owned())),
        }
    }

    /// A page token is the last grid code of the previous page.
    pub fn page_token(&mut self, raw: &str) -> Option<Option<String>> {
        if raw.is_empty() {
            return Some(None);
        }
        self.check(
            "page_token",
            GridCode::parse(raw).map_err(|_| "not a page token from this service"),
        )
        .map(|code| Some(code.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: Violations) -> Vec<String> {
        match v.finish() {
            Ok(()) => Vec::new(),
            Err(error) => error
                .field_violations()
                .iter()
                .map(|f| f.field.clone())
                .collect(),
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut v = Violations::default();
        v.request_id("");
        let district = v.district("500108");
        v.grid("500108001002000", district.as_ref());
        v.boundary("{\"type\":\"Point\",\"coordinates\":[1,2]}");
        v.duties(&[]);
        v.text("name", "  ", MAX_NAME_CHARS);
        assert_eq!(
            fields(v),
            vec!["request_id", "grid", "boundary_geojson", "duties", "name"]
        );
    }

    #[test]
    fn a_real_grid_and_valid_values_pass() {
        let mut v = Violations::default();
        let district = v.district("500108");
        assert!(v.grid("500108001002001", district.as_ref()).is_some());
        assert!(v.grid("500103001001001", district.as_ref()).is_none());
        let duties = v.duties(&[Duty::Safety as i32, Duty::Safety as i32]);
        assert_eq!(duties.map(|d| d.len()), Some(1));
        assert_eq!(fields(v), vec!["grid"]);
    }

    #[test]
    fn points_out_of_range_name_their_field() {
        let mut v = Violations::default();
        assert!(v.point(29.5, 106.5).is_some());
        v.point(91.0, 0.0);
        v.point(0.0, 181.0);
        assert_eq!(fields(v), vec!["latitude", "longitude"]);
    }
}
