//! Vehicle routing: who serves which request, in which order.
//!
//! The model ([`Problem`]) works from travel matrices alone, never from a road graph, so every
//! solver test runs from a matrix. [`Solution`]'s module docs define the schedule, load and
//! cost semantics that the solver and the independent checker both implement.

mod problem;
mod solution;

pub use problem::{
    Break, Costs, Job, Load, Location, MAX_DIMENSIONS, Matrix, Objective, Place, Problem, Shipment,
    SkillSet, TimeWindow, UNREACHABLE, Vehicle,
};
pub use solution::{Reason, Route, Solution, Stop, StopKind, Task, Unassigned};
pub mod check;
pub mod io;
