//! Defining grids, reading them back, listing them, and locating points.

use super::*;
use tonic::Code;

#[tokio::test]
async fn points_resolve_to_the_grid_that_contains_them() -> anyhow::Result<()> {
    let service = GridMap::start().await?;
    let mut client = service.client().await?;
    define(&mut client, GRID_A, SQUARE_WITH_HOLE).await?;
    let last = define(&mut client, GRID_B, EAST_SQUARE).await?;
    let reader = token(&["grid_worker"], &[DISTRICT])?;

    let inside_a = client
        .locate_point(authorized(locate(29.502, 106.502, last), &reader)?)
        .await?
        .into_inner();
    assert_eq!(inside_a.grid, GRID_A);
    assert_eq!(inside_a.community, COMMUNITY);
    assert_eq!(inside_a.name, "桐梓坪001号网格");

    let inside_b = client
        .locate_point(authorized(locate(29.505, 106.515, last), &reader)?)
        .await?
        .into_inner();
    assert_eq!(inside_b.grid, GRID_B);

    // The edge of A's hole belongs to A; the hole's inside to nobody.
    let on_hole_edge = client
        .locate_point(authorized(locate(29.504, 106.505, last), &reader)?)
        .await?
        .into_inner();
    assert_eq!(on_hole_edge.grid, GRID_A);
    let in_hole = client
        .locate_point(authorized(locate(29.505, 106.505, last), &reader)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(in_hole, Some(Code::NotFound));

    // On the shared edge both contain the point; the smaller (A, holed) wins.
    let shared_edge = client
        .locate_point(authorized(locate(29.502, 106.51, last), &reader)?)
        .await?
        .into_inner();
    assert_eq!(shared_edge.grid, GRID_A);

    let far_away = client
        .locate_point(authorized(locate(29.6, 106.6, last), &reader)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(far_away, Some(Code::NotFound));

    // A redrawn boundary is seen by the next query that waits for it.
    let moved = client
        .redraw_grid_boundary(authorized(
            pb::RedrawGridBoundaryRequest {
                request_id: "redraw-b".into(),
                district: DISTRICT.into(),
                grid: GRID_B.into(),
                boundary_geojson: r#"{"type":"Polygon","coordinates":[[[106.59,29.59],[106.61,29.59],[106.61,29.61],[106.59,29.61],[106.59,29.59]]]}"#.into(),
            },
            &command_center()?,
        )?)
        .await?
        .into_inner();
    let redrawn_at = moved.receipt.map_or(0, |r| r.position);
    let now_b = client
        .locate_point(authorized(locate(29.6, 106.6, redrawn_at), &reader)?)
        .await?
        .into_inner();
    assert_eq!(now_b.grid, GRID_B);
    let left_b = client
        .locate_point(authorized(locate(29.505, 106.515, redrawn_at), &reader)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(left_b, Some(Code::NotFound));
    service.stop().await
}

#[tokio::test]
async fn grids_read_back_with_their_place_duties_and_boundary() -> anyhow::Result<()> {
    let service = GridMap::start().await?;
    let mut client = service.client().await?;
    define(&mut client, GRID_A, SQUARE_WITH_HOLE).await?;
    let last = define(&mut client, GRID_B, EAST_SQUARE).await?;
    let reader = token(&["city_reader"], &[])?;

    let grid = client
        .get_grid(authorized(
            pb::GetGridRequest {
                district: DISTRICT.into(),
                grid: GRID_A.into(),
                min_position: last,
            },
            &reader,
        )?)
        .await?
        .into_inner()
        .grid
        .ok_or_else(|| anyhow::anyhow!("no grid in the answer"))?;
    assert_eq!(
        (
            grid.district.as_str(),
            grid.street.as_str(),
            grid.community.as_str()
        ),
        (DISTRICT, STREET, COMMUNITY)
    );
    assert_eq!(
        grid.duties,
        vec![pb::Duty::Safety as i32, pb::Duty::Sanitation as i32]
    );
    assert!(!grid.retired);
    let boundary: serde_json::Value = serde_json::from_str(&grid.boundary_geojson)?;
    assert_eq!(boundary["type"], "Polygon");
    assert_eq!(boundary["coordinates"].as_array().map(Vec::len), Some(2));

    let list = |page_token: String| pb::ListGridsRequest {
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        page_size: 1,
        page_token,
        min_position: last,
        ..Default::default()
    };
    let first = client
        .list_grids(authorized(list(String::new()), &reader)?)
        .await?
        .into_inner();
    let codes: Vec<_> = first.grids.iter().map(|g| g.grid.as_str()).collect();
    assert_eq!(codes, vec![GRID_A]);
    assert_eq!(first.next_page_token, GRID_A);
    let second = client
        .list_grids(authorized(list(first.next_page_token), &reader)?)
        .await?
        .into_inner();
    let codes: Vec<_> = second.grids.iter().map(|g| g.grid.as_str()).collect();
    assert_eq!(codes, vec![GRID_B]);
    assert!(second.next_page_token.is_empty());

    let by_street = client
        .list_grids(authorized(
            pb::ListGridsRequest {
                district: DISTRICT.into(),
                street: STREET.into(),
                min_position: last,
                ..Default::default()
            },
            &reader,
        )?)
        .await?
        .into_inner();
    assert_eq!(by_street.grids.len(), 2);
    let other_street = client
        .list_grids(authorized(
            pb::ListGridsRequest {
                district: DISTRICT.into(),
                street: "500108002".into(),
                min_position: last,
                ..Default::default()
            },
            &reader,
        )?)
        .await?
        .into_inner();
    assert!(other_street.grids.is_empty());
    service.stop().await
}
