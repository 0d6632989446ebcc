//! `gongzhi.grids.v1.GridMapService`: thin tonic adapter over
//! [`GridMapApp`]. Per call: caller, every field violation at once, roles and
//! tenancy, the application call, the result or the mapped error.

mod access;
mod errors;
mod validate;

use crate::app::grid_map::{GridMapApp, GridView};
use crate::domain::geo::{GridCode, GridCommand, GridDefinition};
use access::{ensure_read, ensure_write};
use errors::grid_map_error;
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext};
use tonic::{Request, Response, Status};
use validate::{MAX_NAME_CHARS, MAX_REASON_CHARS, MAX_WORKER_ID_CHARS, Violations};

pub use pb::grid_map_service_server::GridMapServiceServer;

pub struct GridMapGrpc {
    app: GridMapApp,
}

impl GridMapGrpc {
    pub fn new(app: GridMapApp) -> Self {
        Self { app }
    }

    /// The tonic service, ready for `ServiceHost::add_service`.
    pub fn into_server(self) -> GridMapServiceServer<Self> {
        GridMapServiceServer::new(self)
    }

    async fn command(
        &self,
        caller: Caller,
        request_id: &str,
        target: (DistrictCode, GridCode),
        command: GridCommand,
    ) -> Result<Option<pb::GridMapReceipt>, Status> {
        let (district, grid) = target;
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, request_id)?;
        let written = self
            .app
            .run(&context, &district, &grid, command)
            .await
            .map_err(grid_map_error)?;
        Ok(Some(receipt(&written)))
    }
}

fn receipt(receipt: &Receipt) -> pb::GridMapReceipt {
    pb::GridMapReceipt {
        stream: receipt.stream.to_string(),
        stream_revision: receipt.stream_revision.unwrap_or(0),
        position: receipt.position,
        replayed: receipt.replayed,
    }
}

fn unit_grid(view: GridView) -> pb::UnitGrid {
    pb::UnitGrid {
        grid: view.code,
        district: view.district,
        street: view.street,
        community: view.community,
        name: view.name,
        boundary_geojson: view.boundary_geojson,
        duties: view.duties.into_iter().map(i32::from).collect(),
        workers: view
            .assignments
            .into_iter()
            .map(|a| pb::GridWorkerAssignment {
                worker_id: a.worker_id,
                duty: a.duty.into(),
            })
            .collect(),
        retired: view.retired,
    }
}

/// Values a validated request must carry; missing only if validation let a
/// bad request through, which answers a plain `InvalidArgument`.
fn present<T>(value: Option<T>) -> Result<T, Status> {
    value.ok_or_else(|| ApiError::invalid_argument(Vec::new()).into())
}

/// The fields every command shares: request id, district and grid.
fn target(
    v: &mut Violations,
    request_id: &str,
    district: &str,
    grid: &str,
) -> Option<(DistrictCode, GridCode)> {
    v.request_id(request_id);
    let district = v.district(district);
    let grid = v.grid(grid, district.as_ref());
    district.zip(grid)
}

#[tonic::async_trait]
impl pb::grid_map_service_server::GridMapService for GridMapGrpc {
    async fn define_grid(
        &self,
        request: Request<pb::DefineGridRequest>,
    ) -> Result<Response<pb::DefineGridResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.grid);
        let name = v.text("name", &r.name, MAX_NAME_CHARS);
        let boundary = v.boundary(&r.boundary_geojson);
        let duties = v.duties(&r.duties);
        v.finish()?;
        let (district, code) = present(target)?;
        let definition = GridDefinition {
            code: code.clone(),
            district: district.clone(),
            community: code.community().to_owned(),
            name: present(name)?,
            boundary_geojson: present(boundary)?,
            duties: present(duties)?,
        };
        let receipt = self
            .command(
                caller,
                &r.request_id,
                (district, code),
                GridCommand::Define(definition),
            )
            .await?;
        Ok(Response::new(pb::DefineGridResponse { receipt }))
    }

    async fn redraw_grid_boundary(
        &self,
        request: Request<pb::RedrawGridBoundaryRequest>,
    ) -> Result<Response<pb::RedrawGridBoundaryResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.grid);
        let boundary = v.boundary(&r.boundary_geojson);
        v.finish()?;
        let target = present(target)?;
        let command = GridCommand::RedrawBoundary {
            district: target.0.clone(),
            boundary_geojson: present(boundary)?,
        };
        let receipt = self.command(caller, &r.request_id, target, command).await?;
        Ok(Response::new(pb::RedrawGridBoundaryResponse { receipt }))
    }

    async fn change_grid_duties(
        &self,
        request: Request<pb::ChangeGridDutiesRequest>,
    ) -> Result<Response<pb::ChangeGridDutiesResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.grid);
        let duties = v.duties(&r.duties);
        v.finish()?;
        let target = present(target)?;
        let command = GridCommand::ChangeDuties {
            district: target.0.clone(),
            duties: present(duties)?,
        };
        let receipt = self.command(caller, &r.request_id, target, command).await?;
        Ok(Response::new(pb::ChangeGridDutiesResponse { receipt }))
    }

    async fn assign_worker(
        &self,
        request: Request<pb::AssignWorkerRequest>,
    ) -> Result<Response<pb::AssignWorkerResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.grid);
        let worker_id = v.text("worker_id", &r.worker_id, MAX_WORKER_ID_CHARS);
        let duty = v.duty("duty", r.duty);
        v.finish()?;
        let target = present(target)?;
        let command = GridCommand::AssignWorker {
            district: target.0.clone(),
            worker_id: present(worker_id)?,
            duty: present(duty)?,
        };
        let receipt = self.command(caller, &r.request_id, target, command).await?;
        Ok(Response::new(pb::AssignWorkerResponse { receipt }))
    }

    async fn unassign_worker(
        &self,
        request: Request<pb::UnassignWorkerRequest>,
    ) -> Result<Response<pb::UnassignWorkerResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.grid);
        let worker_id = v.text("worker_id", &r.worker_id, MAX_WORKER_ID_CHARS);
        let duty = v.duty("duty", r.duty);
        v.finish()?;
        let target = present(target)?;
        let command = GridCommand::UnassignWorker {
            district: target.0.clone(),
            worker_id: present(worker_id)?,
            duty: present(duty)?,
        };
        let receipt = self.command(caller, &r.request_id, target, command).await?;
        Ok(Response::new(pb::UnassignWorkerResponse { receipt }))
    }

    async fn retire_grid(
        &self,
        request: Request<pb::RetireGridRequest>,
    ) -> Result<Response<pb::RetireGridResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = target(&mut v, &r.request_id, &r.district, &r.grid);
        let reason = v.text("reason", &r.reason, MAX_REASON_CHARS);
        v.finish()?;
        let target = present(target)?;
        let command = GridCommand::Retire {
            district: target.0.clone(),
            reason: present(reason)?,
        };
        let receipt = self.command(caller, &r.request_id, target, command).await?;
        Ok(Response::new(pb::RetireGridResponse { receipt }))
    }

    async fn get_grid(
        &self,
        request: Request<pb::GetGridRequest>,
    ) -> Result<Response<pb::GetGridResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let grid = v.grid(&r.grid, district.as_ref());
        v.finish()?;
        let (district, grid) = present(district.zip(grid))?;
        ensure_read(&caller, &district)?;
        let view = self
            .app
            .get_grid(&district, grid.as_str(), r.min_position)
            .await
            .map_err(grid_map_error)?;
        Ok(Response::new(pb::GetGridResponse {
            grid: Some(unit_grid(view)),
        }))
    }

    async fn list_grids(
        &self,
        request: Request<pb::ListGridsRequest>,
    ) -> Result<Response<pb::ListGridsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let filter = v.filter(&r.community, &r.street, district.as_ref());
        let after = v.page_token(&r.page_token);
        v.finish()?;
        let (district, filter) = present(district.zip(filter))?;
        let after = present(after)?;
        ensure_read(&caller, &district)?;
        let page = self
            .app
            .list_grids(
                &district,
                &filter,
                r.include_retired,
                r.page_size,
                after.as_deref(),
                r.min_position,
            )
            .await
            .map_err(grid_map_error)?;
        Ok(Response::new(pb::ListGridsResponse {
            grids: page.grids.into_iter().map(unit_grid).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn locate_point(
        &self,
        request: Request<pb::LocatePointRequest>,
    ) -> Result<Response<pb::LocatePointResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let point = v.point(r.latitude, r.longitude);
        v.finish()?;
        let (district, point) = present(district.zip(point))?;
        ensure_read(&caller, &district)?;
        let located = self
            .app
            .locate(&district, point, r.min_position)
            .await
            .map_err(grid_map_error)?;
        let Some(located) = located else {
            return Err(
                ApiError::not_found("no grid of the district contains the point")
                    .in_context("grids")
                    .into(),
            );
        };
        Ok(Response::new(pb::LocatePointResponse {
            grid: located.code,
            community: located.community,
            name: located.name,
        }))
    }

    async fn get_grid_population(
        &self,
        request: Request<pb::GetGridPopulationRequest>,
    ) -> Result<Response<pb::GetGridPopulationResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let grid = if r.grid.is_empty() {
            Some(None)
        } else {
            v.grid(&r.grid, district.as_ref()).map(Some)
        };
        v.finish()?;
        let (district, grid) = present(district.zip(grid))?;
        ensure_read(&caller, &district)?;
        let counts = self
            .app
            .grid_population(
                &district,
                grid.as_ref().map(GridCode::as_str),
                r.min_position,
            )
            .await
            .map_err(grid_map_error)?;
        Ok(Response::new(pb::GetGridPopulationResponse {
            grids: counts
                .into_iter()
                .map(|count| pb::GridPopulation {
                    grid: count.grid,
                    residents: count.residents,
                    tags: count
                        .tags
                        .into_iter()
                        .map(|(tag, residents)| pb::GridNeedsTagCount { tag, residents })
                        .collect(),
                })
                .collect(),
        }))
    }
}
