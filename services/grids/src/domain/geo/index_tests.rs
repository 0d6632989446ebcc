use super::*;

fn point(lat: f64, lng: f64) -> LatLng {
    LatLng::new(lat, lng).expect("valid test point")
}

/// A square grid with its south-west corner at the given position.
fn square(lng: f64, lat: f64, side: f64) -> Boundary {
    let (east, north) = (lng + side, lat + side);
    Boundary::from_polygons(vec![vec![vec![
        [lng, lat],
        [east, lat],
        [east, north],
        [lng, north],
        [lng, lat],
    ]]])
    .expect("valid test square")
}

/// The code of the n-th test grid.
fn code(n: usize) -> String {
    format!("50010800100{n:04}")
}

/// Side 0.001 degrees (about 100 m), `columns` by `rows` grids from
/// (106.5, 29.5); codes number them row by row.
fn lattice(columns: usize, rows: usize) -> GridIndex {
    let mut index = GridIndex::new();
    for row in 0..rows {
        for column in 0..columns {
            let boundary = square(
                106.5 + column as f64 * 0.001,
                29.5 + row as f64 * 0.001,
                0.001,
            );
            index.insert(code(row * columns + column), boundary);
        }
    }
    index
}

#[test]
fn an_empty_index_locates_nothing() {
    let index = GridIndex::new();
    assert!(index.is_empty());
    assert_eq!(index.locate(point(29.5, 106.5)), None);
}

#[test]
fn a_point_resolves_to_the_grid_that_contains_it() {
    let index = lattice(3, 2);
    assert_eq!(index.len(), 6);
    assert_eq!(
        index.locate(point(29.5005, 106.5005)),
        Some(code(0).as_str())
    );
    assert_eq!(
        index.locate(point(29.5015, 106.5025)),
        Some(code(5).as_str())
    );
    assert_eq!(index.locate(point(29.5025, 106.5005)), None);
    assert_eq!(index.locate(point(39.9, 116.4)), None);
}

#[test]
fn among_overlapping_grids_the_smallest_wins() {
    let mut index = GridIndex::new();
    // Inserted smallest first and largest last, so neither order nor code
    // explains the answer; only area does.
    index.insert("500108001001001", square(106.504, 29.504, 0.002));
    index.insert("500108001001000", square(106.5, 29.5, 0.01));
    assert_eq!(
        index.locate(point(29.505, 106.505)),
        Some("500108001001001")
    );
    assert_eq!(
        index.locate(point(29.501, 106.501)),
        Some("500108001001000")
    );
}

#[test]
fn a_point_on_a_shared_edge_goes_to_the_smaller_code_among_equal_areas() {
    let index = lattice(2, 1);
    assert_eq!(
        index.locate(point(29.5005, 106.501)),
        Some(code(0).as_str())
    );
}

#[test]
fn a_grid_with_a_hole_leaves_the_hole_to_the_grid_inside_it() {
    let mut index = GridIndex::new();
    let holed = Boundary::from_polygons(vec![vec![
        vec![
            [106.5, 29.5],
            [106.51, 29.5],
            [106.51, 29.51],
            [106.5, 29.51],
            [106.5, 29.5],
        ],
        vec![
            [106.504, 29.504],
            [106.506, 29.504],
            [106.506, 29.506],
            [106.504, 29.506],
            [106.504, 29.504],
        ],
    ]])
    .expect("valid holed square");
    index.insert("500108001001000", holed);
    assert_eq!(index.locate(point(29.505, 106.505)), None);
    index.insert("500108001001009", square(106.504, 29.504, 0.002));
    assert_eq!(
        index.locate(point(29.505, 106.505)),
        Some("500108001001009")
    );
}

#[test]
fn reinserting_replaces_and_removing_forgets() {
    let mut index = lattice(2, 1);
    index.insert(code(0), square(106.6, 29.6, 0.001));
    assert_eq!(index.len(), 2);
    assert_eq!(index.locate(point(29.5005, 106.5005)), None);
    assert_eq!(
        index.locate(point(29.6005, 106.6005)),
        Some(code(0).as_str())
    );
    assert!(index.remove(&code(0)).is_some());
    assert!(index.get(&code(0)).is_none());
    assert_eq!(index.locate(point(29.6005, 106.6005)), None);
    assert!(index.remove(&code(0)).is_none());
}

#[test]
fn every_centre_of_a_few_thousand_grids_finds_its_own_grid() {
    let (columns, rows) = (60, 50);
    let index = lattice(columns, rows);
    assert_eq!(index.len(), 3000);
    for row in 0..rows {
        for column in 0..columns {
            let centre = point(
                29.5 + row as f64 * 0.001 + 0.0005,
                106.5 + column as f64 * 0.001 + 0.0005,
            );
            let expected = code(row * columns + column);
            assert_eq!(index.locate(centre), Some(expected.as_str()));
        }
    }
}
