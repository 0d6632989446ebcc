//! Read models of the grids context.

mod case_metrics;
mod grid_map;
mod grid_population;
mod service_units;

pub use case_metrics::{
    CaseMetricsProjection, CaseRequestRow, MetricsScopeFilter, OutcomeRow, RequestFilter,
    case_requests, case_totals, outcome_of,
};
pub use grid_map::{GRID_MAP_SOURCE, GridMapProjection};
pub use grid_population::{GridCount, GridPopulationProjection, grid_counts};
pub use service_units::{
    SERVICE_UNITS, ServiceUnit, ServiceUnitsProjection, UnitStatus, china_day, service_units,
    unit_status,
};

mod cases;

pub use cases::{
    CASES_PROJECTION, CaseRow, CaseRowFilter, CasesProjection, DueDeadline, DueSummons,
    SummonedUnitRow, due_deadlines, due_summons, get_case, list_cases,
};
