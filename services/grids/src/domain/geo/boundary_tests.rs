//! Shapes near Nanping street, Nan'an district, Chongqing (500108).

use super::*;
use crate::domain::geo::GeoErrorKind;

fn point(lat: f64, lng: f64) -> LatLng {
    LatLng::new(lat, lng).expect("valid test point")
}

fn parse(text: &str) -> Boundary {
    Boundary::from_geojson(text).expect("valid test boundary")
}

fn refused(text: &str) -> GeoErrorKind {
    match Boundary::from_geojson(text) {
        Ok(boundary) => panic!("{text} should be refused, got {boundary:?}"),
        Err(error) => error.kind(),
    }
}

/// A closed ring `[lng, lat]` around the square with the given corner and side.
fn square_ring(lng: f64, lat: f64, side: f64) -> String {
    let (east, north) = (lng + side, lat + side);
    format!("[[{lng},{lat}],[{east},{lat}],[{east},{north}],[{lng},{north}],[{lng},{lat}]]")
}

fn polygon(rings: &[String]) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[{}]}}"#,
        rings.join(",")
    )
}

/// Lng 106.5 to 106.51, lat 29.5 to 29.51.
fn square() -> Boundary {
    parse(&polygon(&[square_ring(106.5, 29.5, 0.01)]))
}

/// The square with a hole from lng 106.504 to 106.506, lat 29.504 to 29.506.
fn square_with_hole() -> Boundary {
    parse(&polygon(&[
        square_ring(106.5, 29.5, 0.01),
        square_ring(106.504, 29.504, 0.002),
    ]))
}

#[test]
fn a_square_contains_its_inside_and_not_its_outside() {
    let square = square();
    assert!(square.contains(point(29.505, 106.505)));
    assert!(square.contains(point(29.5001, 106.5099)));
    assert!(!square.contains(point(29.511, 106.505)));
    assert!(!square.contains(point(29.505, 106.4999)));
}

#[test]
fn points_on_edges_and_vertices_count_as_inside() {
    let square = square();
    for (lat, lng) in [
        (29.5, 106.505),
        (29.505, 106.51),
        (29.51, 106.5),
        (29.5, 106.5),
        (29.51, 106.51),
    ] {
        assert!(square.contains(point(lat, lng)), "({lat}, {lng})");
    }
}

#[test]
fn a_point_on_a_slanted_edge_counts_as_inside() {
    let triangle = parse(
        r#"{"type":"Polygon","coordinates":[[[106.5,29.5],[106.53,29.5],[106.5,29.57],[106.5,29.5]]]}"#,
    );
    assert!(triangle.contains(point(29.535, 106.515)));
    assert!(!triangle.contains(point(29.536, 106.516)));
}

#[test]
fn a_ray_through_a_vertex_is_counted_once() {
    // A diamond: the ray east from its centre passes through its east vertex.
    let diamond = parse(
        r#"{"type":"Polygon","coordinates":[[[106.5,29.5],[106.51,29.51],[106.5,29.52],[106.49,29.51],[106.5,29.5]]]}"#,
    );
    assert!(diamond.contains(point(29.51, 106.5)));
    assert!(!diamond.contains(point(29.51, 106.485)));
}

#[test]
fn a_concave_notch_is_outside() {
    // A U open to the north: the notch spans lng 106.503 to 106.507 above lat 29.503.
    let u = parse(
        r#"{"type":"Polygon","coordinates":[[[106.5,29.5],[106.51,29.5],[106.51,29.51],[106.507,29.51],[106.507,29.503],[106.503,29.503],[106.503,29.51],[106.5,29.51],[106.5,29.5]]]}"#,
    );
    assert!(!u.contains(point(29.506, 106.505)));
    assert!(u.contains(point(29.506, 106.501)));
    assert!(u.contains(point(29.501, 106.505)));
}

#[test]
fn a_hole_is_outside_but_its_edge_is_inside() {
    let holed = square_with_hole();
    assert!(!holed.contains(point(29.505, 106.505)));
    assert!(holed.contains(point(29.502, 106.505)));
    assert!(holed.contains(point(29.504, 106.505)));
    assert!(holed.contains(point(29.506, 106.506)));
}

#[test]
fn a_multipolygon_contains_each_part_and_not_the_gap_between() {
    let text = format!(
        r#"{{"type":"MultiPolygon","coordinates":[[{}],[{}]]}}"#,
        square_ring(106.5, 29.5, 0.01),
        square_ring(106.52, 29.5, 0.01)
    );
    let two = parse(&text);
    assert_eq!(two.polygon_count(), 2);
    assert!(two.contains(point(29.505, 106.505)));
    assert!(two.contains(point(29.505, 106.525)));
    // Inside the overall box, in neither part.
    assert!(!two.contains(point(29.505, 106.515)));
    assert!(two.bbox().contains(point(29.505, 106.515)));
}

#[test]
fn a_point_far_outside_the_box_is_outside() {
    let square = square();
    assert!(!square.bbox().contains(point(39.9, 116.4)));
    assert!(!square.contains(point(39.9, 116.4)));
    assert!(!square.contains(point(-29.505, -106.505)));
}

#[test]
fn altitude_is_ignored() {
    let with_altitude = parse(
        r#"{"type":"Polygon","coordinates":[[[106.5,29.5,300],[106.51,29.5,301],[106.51,29.51,302],[106.5,29.51,303],[106.5,29.5,300]]]}"#,
    );
    assert_eq!(with_altitude, square());
}

#[test]
fn area_subtracts_holes() {
    let square_area = square().area();
    assert!((square_area - 1e-4).abs() < 1e-12, "{square_area}");
    let holed_area = square_with_hole().area();
    assert!((holed_area - (1e-4 - 4e-6)).abs() < 1e-12, "{holed_area}");
}

#[test]
fn canonical_text_round_trips_and_keeps_the_geometry_type() {
    let holed = square_with_hole();
    let text = holed.to_geojson();
    assert!(text.contains(r#""type":"Polygon""#), "{text}");
    assert_eq!(parse(&text), holed);

    let multi = format!(
        r#"{{"type":"MultiPolygon","coordinates":[[{}],[{}]],"bbox":[0,0,1,1]}}"#,
        square_ring(106.5, 29.5, 0.01),
        square_ring(106.52, 29.5, 0.01)
    );
    let multi = parse(&multi);
    let text = multi.to_geojson();
    assert!(text.contains(r#""type":"MultiPolygon""#), "{text}");
    assert!(!text.contains("bbox"), "{text}");
    assert_eq!(parse(&text), multi);
}

#[test]
fn text_that_is_not_a_geometry_is_refused() {
    for text in [
        "",
        "not json",
        "[]",
        r#"{"type":"Polygon"}"#,
        r#"{"coordinates":[]}"#,
        r#"{"type":"Polygon","coordinates":"here"}"#,
        r#"{"type":"Polygon","coordinates":[[[106.5,"29.5"]]]}"#,
        r#"{"type":"MultiPolygon","coordinates":[[[106.5,29.5]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[106.5,1e400]]]}"#,
    ] {
        assert_eq!(refused(text), GeoErrorKind::InvalidJson, "{text}");
    }
}

#[test]
fn geometry_types_other_than_polygons_are_refused() {
    for kind in [
        "Point",
        "LineString",
        "GeometryCollection",
        "Feature",
        "polygon",
    ] {
        let text = format!(r#"{{"type":"{kind}","coordinates":[106.5,29.5]}}"#);
        assert_eq!(refused(&text), GeoErrorKind::UnsupportedGeometry, "{kind}");
    }
}

#[test]
fn empty_geometries_are_refused() {
    assert_eq!(
        refused(r#"{"type":"MultiPolygon","coordinates":[]}"#),
        GeoErrorKind::Empty
    );
    assert_eq!(
        refused(r#"{"type":"Polygon","coordinates":[]}"#),
        GeoErrorKind::Empty
    );
    let text = format!(
        r#"{{"type":"MultiPolygon","coordinates":[[{}],[]]}}"#,
        square_ring(106.5, 29.5, 0.01)
    );
    assert_eq!(
        Boundary::from_geojson(&text),
        Err(GeoError::Empty {
            what: "polygon 1".into()
        })
    );
}

#[test]
fn a_ring_with_fewer_than_four_positions_is_refused() {
    assert_eq!(
        Boundary::from_geojson(&polygon(&[
            "[[106.5,29.5],[106.51,29.5],[106.5,29.5]]".into()
        ])),
        Err(GeoError::TooFewPositions {
            polygon: 0,
            ring: 0,
            count: 3
        })
    );
    assert_eq!(
        refused(&polygon(&["[]".into()])),
        GeoErrorKind::TooFewPositions
    );
}

#[test]
fn an_open_ring_is_refused_and_named() {
    let open = "[[106.504,29.504],[106.506,29.504],[106.506,29.506],[106.504,29.506]]";
    assert_eq!(
        Boundary::from_geojson(&polygon(&[square_ring(106.5, 29.5, 0.01), open.into()])),
        Err(GeoError::RingNotClosed {
            polygon: 0,
            ring: 1
        })
    );
}

#[test]
fn a_position_without_two_numbers_is_refused() {
    let ring = "[[106.5,29.5],[106.51],[106.51,29.51],[106.5,29.5]]";
    assert_eq!(
        Boundary::from_geojson(&polygon(&[ring.into()])),
        Err(GeoError::MalformedPosition {
            polygon: 0,
            ring: 0,
            position: 1
        })
    );
}

#[test]
fn coordinates_out_of_range_are_refused() {
    // Latitude and longitude swapped: a classic mistake, caught by range.
    let swapped = "[[29.5,106.5],[29.51,106.5],[29.51,106.51],[29.5,106.51],[29.5,106.5]]";
    assert_eq!(
        refused(&polygon(&[swapped.into()])),
        GeoErrorKind::LatitudeOutOfRange
    );
    let east = "[[179.5,29.5],[180.5,29.5],[180.5,29.6],[179.5,29.6],[179.5,29.5]]";
    assert_eq!(
        refused(&polygon(&[east.into()])),
        GeoErrorKind::LongitudeOutOfRange
    );
}

#[test]
fn not_a_number_is_refused() {
    let ring = vec![
        [106.5, 29.5],
        [106.51, f64::NAN],
        [106.51, 29.51],
        [106.5, 29.5],
    ];
    assert_eq!(
        Boundary::from_polygons(vec![vec![ring]]).map_err(|e| e.kind()),
        Err(GeoErrorKind::NotANumber)
    );
    assert_eq!(
        LatLng::new(f64::NAN, 106.5).map_err(|e| e.kind()),
        Err(GeoErrorKind::NotANumber)
    );
}

#[test]
fn points_are_checked_like_positions() {
    assert_eq!(
        LatLng::new(90.5, 0.0).map_err(|e| e.kind()),
        Err(GeoErrorKind::LatitudeOutOfRange)
    );
    assert_eq!(
        LatLng::new(0.0, -180.5).map_err(|e| e.kind()),
        Err(GeoErrorKind::LongitudeOutOfRange)
    );
    let corner = point(-90.0, 180.0);
    assert_eq!((corner.lat(), corner.lng()), (-90.0, 180.0));
}

#[test]
fn built_from_positions_equals_parsed_from_text() {
    let ring = vec![
        [106.5, 29.5],
        [106.51, 29.5],
        [106.51, 29.51],
        [106.5, 29.51],
        [106.5, 29.5],
    ];
    assert_eq!(Boundary::from_polygons(vec![vec![ring]]), Ok(square()));
    assert_eq!(
        Boundary::from_polygons(vec![]).map_err(|e| e.kind()),
        Err(GeoErrorKind::Empty)
    );
}

#[test]
fn errors_read_as_lowercase_sentences() {
    let error = GeoError::RingNotClosed {
        polygon: 0,
        ring: 1,
    };
    assert_eq!(
        error.to_string(),
        "ring 1 of polygon 0 is not closed: its last position must equal its first"
    );
}
