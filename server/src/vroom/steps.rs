//! VROOM's `vehicles[].steps`: in solving mode each vehicle's given route is the search's
//! starting point ([`engine::vrp::solve_from`]), as in VROOM, where steps describe a known
//! plan (routes under way, yesterday's plan) that the optimisation may then change; in plan
//! mode (`options.c`, see `super::plan_mode`) they are the fixed routes to schedule.
//!
//! Steps name tasks by id: `job`, `pickup` and `delivery` steps become the route's stops in
//! their order; `start` and `end` may open and close the list; `break` steps must name one of
//! the vehicle's breaks (in solving mode they are otherwise left to the solver, which places
//! every break). A route that cannot be driven is an input error in VROOM's words
//! ("Infeasible route for vehicle 7."), as are unknown ids and tasks given twice. The per-step
//! `service_at`, `service_after` and `service_before` must be whole seconds ("Invalid
//! service_at value."); they bound the service start in plan mode, and are refused by name in
//! solving mode, whose search does not honour them.

use std::collections::HashMap;

use engine::vrp::{InitialError, InitialRoute, ServiceBounds, StopKind};
use serde_json::Value;

use super::VroomError;
use super::build::Built;
use super::input::VehicleStepIn;

/// Each id's position in the input.
fn positions(ids: impl Iterator<Item = u64>) -> HashMap<u64, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// One vehicle's steps as read: the stops in order (breaks included) and the bounds of the
/// start and the end.
#[derive(Debug)]
pub(crate) struct GivenRoute {
    /// Index of the vehicle.
    pub(crate) vehicle: usize,
    /// Tasks and breaks in order, each with its service bounds.
    pub(crate) stops: Vec<(StopKind, ServiceBounds)>,
    /// Bounds given on the `start` step.
    pub(crate) start: ServiceBounds,
    /// Bounds given on the `end` step.
    pub(crate) end: ServiceBounds,
}

/// A service bound: a whole number of seconds in `u32`, or VROOM's error.
fn bound(v: Option<&Value>, name: &str) -> Result<Option<u32>, VroomError> {
    v.map(|v| {
        v.as_u64()
            .and_then(|x| u32::try_from(x).ok())
            .ok_or_else(|| VroomError::input(format!("Invalid {name} value.")))
    })
    .transpose()
}

fn bounds(step: &VehicleStepIn) -> Result<ServiceBounds, VroomError> {
    Ok(ServiceBounds {
        at: bound(step.service_at.as_ref(), "service_at")?,
        after: bound(step.service_after.as_ref(), "service_after")?,
        before: bound(step.service_before.as_ref(), "service_before")?,
    })
}

/// Every vehicle's non-empty `steps`, read and checked against the problem's ids.
pub(crate) fn given_routes(b: &Built) -> Result<Vec<GivenRoute>, VroomError> {
    let jobs = positions(b.input.jobs.iter().map(|j| j.step.id));
    let pickups = positions(b.input.shipments.iter().map(|s| s.pickup.id));
    let deliveries = positions(b.input.shipments.iter().map(|s| s.delivery.id));
    let mut routes = Vec::new();
    for (v, vehicle) in b.input.vehicles.iter().enumerate() {
        let Some(steps) = vehicle.steps.as_ref().filter(|s| !s.is_empty()) else {
            continue;
        };
        let vid = vehicle.id;
        let mut route = GivenRoute {
            vehicle: v,
            stops: Vec::with_capacity(steps.len()),
            start: ServiceBounds::default(),
            end: ServiceBounds::default(),
        };
        for (k, step) in steps.iter().enumerate() {
            let f = format!("vehicles[{v}].steps[{k}]");
            let given = bounds(step)?;
            let id = || {
                step.id.ok_or_else(|| {
                    VroomError::input(format!("{f}.id: a {} step needs an id", step.kind))
                })
            };
            let unknown = |what: &str, id: u64| {
                VroomError::input(format!("Invalid {what} id {id} for vehicle {vid}."))
            };
            let stop = match step.kind.as_str() {
                "start" if k == 0 => {
                    route.start = given;
                    continue;
                }
                "end" if k + 1 == steps.len() => {
                    route.end = given;
                    continue;
                }
                "start" | "end" => {
                    return Err(VroomError::input(format!(
                        "Unexpected {} in input steps for vehicle {vid}.",
                        step.kind
                    )));
                }
                "job" => {
                    let id = id()?;
                    StopKind::Job(*jobs.get(&id).ok_or_else(|| unknown("job", id))?)
                }
                "pickup" => {
                    let id = id()?;
                    StopKind::Pickup(*pickups.get(&id).ok_or_else(|| unknown("pickup", id))?)
                }
                "delivery" => {
                    let id = id()?;
                    StopKind::Delivery(*deliveries.get(&id).ok_or_else(|| unknown("delivery", id))?)
                }
                "break" => {
                    let id = id()?;
                    StopKind::Break(
                        vehicle
                            .breaks
                            .iter()
                            .position(|x| x.id == id)
                            .ok_or_else(|| unknown("break", id))?,
                    )
                }
                other => {
                    return Err(VroomError::input(format!(
                        "{f}.type: unknown step type {other:?} (start, job, pickup, delivery, \
                         break, end)"
                    )));
                }
            };
            route.stops.push((stop, given));
        }
        routes.push(route);
    }
    Ok(routes)
}

/// The starting routes given in `vehicles[].steps` (solving mode), or `None` when no vehicle
/// has steps.
pub(crate) fn initial_routes(b: &Built) -> Result<Option<Vec<InitialRoute>>, VroomError> {
    if b.input.vehicles.iter().all(|v| v.steps.is_none()) {
        return Ok(None);
    }
    let given = given_routes(b)?;
    let mut routes = Vec::with_capacity(given.len());
    for g in given {
        let bounded = std::iter::once(&g.start)
            .chain(g.stops.iter().map(|(_, s)| s))
            .chain(std::iter::once(&g.end))
            .any(|s| *s != ServiceBounds::default());
        if bounded {
            return Err(VroomError::input(format!(
                "vehicles[{}].steps: service_at, service_after and service_before are honoured \
                 in plan mode only (options.c)",
                g.vehicle
            )));
        }
        let stops = g
            .stops
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| !matches!(k, StopKind::Break(_)))
            .collect();
        routes.push(InitialRoute {
            vehicle: g.vehicle,
            stops,
        });
    }
    Ok(Some(routes))
}

/// A refused starting route in VROOM's words, naming the vehicle by its id.
pub(crate) fn initial_error(b: &Built, e: &InitialError) -> VroomError {
    let vid = |v: usize| b.input.vehicles.get(v).map_or(0, |x| x.id);
    let task = |stop: StopKind| match stop {
        StopKind::Job(j) => format!("job id {}", b.input.jobs.get(j).map_or(0, |x| x.step.id)),
        StopKind::Pickup(s) => format!(
            "pickup id {}",
            b.input.shipments.get(s).map_or(0, |x| x.pickup.id)
        ),
        StopKind::Delivery(s) => format!(
            "delivery id {}",
            b.input.shipments.get(s).map_or(0, |x| x.delivery.id)
        ),
        StopKind::Break(k) => format!("break #{k}"),
    };
    VroomError::input(match *e {
        InitialError::UnknownVehicle { vehicle, .. } => {
            format!("vehicles[{vehicle}] does not exist")
        }
        InitialError::TwoRoutes { vehicle } => {
            format!("vehicle {} has two given routes", vid(vehicle))
        }
        InitialError::UnknownStop { vehicle, stop } => {
            format!("Invalid {} for vehicle {}.", task(stop), vid(vehicle))
        }
        InitialError::Repeated { vehicle, stop } => format!(
            "Duplicate {} in input steps for vehicle {}.",
            task(stop),
            vid(vehicle)
        ),
        InitialError::Shipment { vehicle, .. } => {
            format!("Invalid shipment in route for vehicle {}.", vid(vehicle))
        }
        InitialError::Skills { vehicle, stop } => format!(
            "Missing skill or step out of reach for vehicle {} and {}.",
            vid(vehicle),
            task(stop).replace(" id", "")
        ),
        InitialError::OverCapacity { vehicle } => {
            format!("Route over capacity for vehicle {}.", vid(vehicle))
        }
        InitialError::Infeasible { vehicle } => {
            format!("Infeasible route for vehicle {}.", vid(vehicle))
        }
    })
}
