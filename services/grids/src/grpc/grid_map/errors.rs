//! Grid map errors mapped once to [`ApiError`].

use crate::app::grid_map::GridMapError;
use crate::domain::geo::GridError;
use gongzhi_commands::CommandError;
use gongzhi_projections::ProjectionError;
use gongzhi_server::{ApiError, FieldViolation};

pub fn grid_map_error(error: GridMapError) -> ApiError {
    let mapped = match error {
        GridMapError::Command(CommandError::Domain(
            GridError::NotFound | GridError::WrongDistrict { .. },
        ))
        | GridMapError::NotFound => {
            // A grid of another district is "not found" in this one: the
            // answer must not tell that it exists elsewhere.
            ApiError::not_found("grid not found")
        }
        // Validation parses the boundary first; this is the decider agreeing.
        GridMapError::Command(CommandError::Domain(GridError::InvalidBoundary(geo))) => {
            ApiError::invalid_argument(vec![FieldViolation::new(
                "boundary_geojson",
                geo.to_string(),
            )])
        }
        GridMapError::Command(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        GridMapError::Command(CommandError::Store(store)) | GridMapError::Store(store) => {
            store.into()
        }
        GridMapError::Command(CommandError::Decode(decode)) => ApiError::internal(&decode),
        GridMapError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        GridMapError::Projection(ProjectionError::Store(store)) => store.into(),
        GridMapError::Projection(other) => ApiError::internal(&other),
    };
    mapped.in_context("grids")
}
