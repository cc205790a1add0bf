//! Starting routes for [`solve_from`](super::solve_from): a plan the caller already has (the
//! routes under way, yesterday's plan), checked stop by stop before the search starts from it.

use super::model::Model;
use super::{Problem, SkillSet, StopKind};

/// One vehicle's starting route: its tasks in visiting order. Breaks are not given: the
/// solver places them, as in every route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialRoute {
    /// Index into `Problem::vehicles`.
    pub vehicle: usize,
    /// [`StopKind::Job`], [`StopKind::Pickup`] and [`StopKind::Delivery`] stops in order.
    pub stops: Vec<StopKind>,
}

/// Why a starting route cannot be used. Indices are positions in the problem's arrays.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InitialError {
    /// The route names a vehicle the problem does not have.
    #[error("starting route {route}: there is no vehicle {vehicle}")]
    UnknownVehicle {
        /// Position of the route in the list.
        route: usize,
        /// The vehicle index given.
        vehicle: usize,
    },
    /// Two routes for one vehicle.
    #[error("vehicle {vehicle} has two starting routes")]
    TwoRoutes {
        /// The vehicle index.
        vehicle: usize,
    },
    /// A stop that is not a task of the problem (or a break, which the solver places).
    #[error("vehicle {vehicle}: stop {stop:?} is not a task of the problem")]
    UnknownStop {
        /// The vehicle index.
        vehicle: usize,
        /// The stop given.
        stop: StopKind,
    },
    /// A job, pickup or delivery appears more than once in the starting routes.
    #[error("vehicle {vehicle}: stop {stop:?} appears more than once")]
    Repeated {
        /// The vehicle index of the second appearance.
        vehicle: usize,
        /// The stop.
        stop: StopKind,
    },
    /// A shipment's pickup and delivery are not both on one route, pickup first.
    #[error(
        "vehicle {vehicle}: shipment {shipment} needs its pickup, then its delivery, on one route"
    )]
    Shipment {
        /// The vehicle index.
        vehicle: usize,
        /// The shipment index.
        shipment: usize,
    },
    /// A task needs skills the vehicle lacks.
    #[error("vehicle {vehicle} lacks the skills of stop {stop:?}")]
    Skills {
        /// The vehicle index.
        vehicle: usize,
        /// The stop.
        stop: StopKind,
    },
    /// The load exceeds the vehicle's capacity somewhere along the route.
    #[error("route over capacity for vehicle {vehicle}")]
    OverCapacity {
        /// The vehicle index.
        vehicle: usize,
    },
    /// The route breaks a time window, the shift, a break, or a travel, distance or task
    /// limit of its vehicle.
    #[error("infeasible route for vehicle {vehicle}")]
    Infeasible {
        /// The vehicle index.
        vehicle: usize,
    },
}

/// The model's node of a task stop, if the problem has it.
fn node(problem: &Problem, m: &Model, stop: StopKind) -> Option<u32> {
    let n = match stop {
        StopKind::Job(j) if j < problem.jobs.len() => j,
        StopKind::Pickup(s) if s < problem.shipments.len() => m.n_jobs + 2 * s,
        StopKind::Delivery(s) if s < problem.shipments.len() => m.n_jobs + 2 * s + 1,
        _ => return None,
    };
    u32::try_from(n).ok()
}

/// The model's (vehicle, nodes) of starting routes, each checked to be feasible.
pub(crate) fn model_routes(
    problem: &Problem,
    m: &Model,
    routes: &[InitialRoute],
) -> Result<Vec<(usize, Vec<u32>)>, InitialError> {
    let mut seen = vec![false; m.n_nodes()];
    let mut has_route = vec![false; problem.vehicles.len()];
    let mut out = Vec::with_capacity(routes.len());
    for (i, r) in routes.iter().enumerate() {
        let v = r.vehicle;
        if v >= problem.vehicles.len() {
            return Err(InitialError::UnknownVehicle {
                route: i,
                vehicle: v,
            });
        }
        if std::mem::replace(&mut has_route[v], true) {
            return Err(InitialError::TwoRoutes { vehicle: v });
        }
        let mut nodes = Vec::with_capacity(r.stops.len());
        for &stop in &r.stops {
            let n = node(problem, m, stop).ok_or(InitialError::UnknownStop { vehicle: v, stop })?;
            if std::mem::replace(&mut seen[n as usize], true) {
                return Err(InitialError::Repeated { vehicle: v, stop });
            }
            let needs = match stop {
                StopKind::Job(j) => problem.jobs[j].skills,
                StopKind::Pickup(s) | StopKind::Delivery(s) => problem.shipments[s].skills,
                StopKind::Break(_) => SkillSet(0),
            };
            if !needs.is_subset_of(problem.vehicles[v].skills) {
                return Err(InitialError::Skills { vehicle: v, stop });
            }
            // The model also rules out pairs that cannot meet a window or limit at all.
            if !m.compatible(m.node_task[n as usize] as usize, v) {
                return Err(InitialError::Infeasible { vehicle: v });
            }
            nodes.push(n);
        }
        // Pickup then delivery, both here.
        for (k, &n) in nodes.iter().enumerate() {
            if let StopKind::Pickup(s) | StopKind::Delivery(s) = m.stop_kind(n) {
                let sibling = m.node_sibling[n as usize];
                let at = nodes.iter().position(|&x| x == sibling);
                let pickup_first = matches!(m.stop_kind(n), StopKind::Pickup(_));
                let ordered = at.is_some_and(|j| if pickup_first { j > k } else { j < k });
                if !ordered {
                    return Err(InitialError::Shipment {
                        vehicle: v,
                        shipment: s,
                    });
                }
            }
        }
        if !m.loads_fit(v, &nodes) {
            return Err(InitialError::OverCapacity { vehicle: v });
        }
        if m.simulate(v, &nodes, None).is_none() {
            return Err(InitialError::Infeasible { vehicle: v });
        }
        if !nodes.is_empty() {
            out.push((v, nodes));
        }
    }
    Ok(out)
}
