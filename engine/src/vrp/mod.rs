//! Vehicle routing: who serves which request, in which order.
//!
//! The model ([`Problem`]) works from travel matrices alone, never from a road graph, so every
//! solver test runs from a matrix. [`Solution`]'s module docs define the schedule, load and
//! cost semantics that the solver and the independent checker both implement. [`solve`] runs
//! the search (regret insertion, then SISR ruin and recreate with fleet minimisation and local
//! search on new best solutions) bounded by a [`SolverConfig`].

mod config;
mod error;
mod eta;
mod evaluator;
mod initial;
mod model;
mod problem;
mod route;
mod search;
mod solution;
mod solver;
mod validate;

pub use config::SolverConfig;
pub use error::SolveError;
pub use eta::{
    EtaError, EtaKind, EtaRoute, EtaStep, FixedRoute, ServiceBounds, Violation, schedule,
};
pub use evaluator::InsertionEvaluator;
pub use initial::{InitialError, InitialRoute};
pub use problem::{
    Break, Costs, Job, Load, Location, MAX_DIMENSIONS, Matrix, Objective, Place, Problem, Shipment,
    SkillSet, TimeWindow, UNREACHABLE, Vehicle,
};
pub use search::Construction;
pub use solution::{Reason, Route, Solution, Stop, StopKind, Task, Unassigned};
pub use solver::construct;
pub use solver::solve;
pub use solver::solve_from;

pub mod check;
pub mod dynamic;
pub mod io;
