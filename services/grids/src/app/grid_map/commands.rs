//! Runs one command against a grid's stream. The stream is named by the
//! grid code, so the decider sees the grid's whole history and refuses a
//! command of another district, a second definition, or a retired grid.

use super::{GRID_CATEGORY, GridMapApp, GridMapError};
use crate::domain::geo::{Grid, GridCode, GridCommand};
use gongzhi_commands::{Receipt, execute};
use gongzhi_eventstore::{StoreError, StreamName};
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;

impl GridMapApp {
    pub async fn run(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        grid: &GridCode,
        command: GridCommand,
    ) -> Result<Receipt, GridMapError> {
        let stream = StreamName::new(GRID_CATEGORY, grid).map_err(StoreError::from)?;
        let metadata = context.metadata(Some(district.clone()));
        Ok(execute::<Grid>(
            self.store.as_ref(),
            &stream,
            command,
            // A grid command writes a handful of events, far below u32::MAX.
            |n| context.event_id(u32::try_from(n).unwrap_or(u32::MAX)),
            &metadata,
        )
        .await?)
    }
}
