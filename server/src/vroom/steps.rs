//! VROOM's `vehicles[].steps` in solving mode: each vehicle's given route is the search's
//! starting point ([`engine::vrp::solve_from`]), as in VROOM, where steps describe a known
//! plan (routes under way, yesterday's plan) that the optimisation may then change.
//!
//! Steps name tasks by id: `job`, `pickup` and `delivery` steps become the route's stops in
//! their order; `start` and `end` may open and close the list; `break` steps must name one of
//! the vehicle's breaks and are otherwise left to the solver, which places every break. A
//! route that cannot be driven is an input error in VROOM's words ("Infeasible route for
//! vehicle 7."), as are unknown ids and tasks given twice. The per-step `service_at`,
//! `service_after` and `service_before` belong to VROOM's plan mode, which vmeste does not
//! run: they are refused by name.

use std::collections::HashMap;

use engine::vrp::{InitialError, InitialRoute, StopKind};

use super::VroomError;
use super::build::Built;

/// Each id's position in the input.
fn positions(ids: impl Iterator<Item = u64>) -> HashMap<u64, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// The starting routes given in `vehicles[].steps`, or `None` when no vehicle has steps.
pub(crate) fn initial_routes(b: &Built) -> Result<Option<Vec<InitialRoute>>, VroomError> {
    if b.input.vehicles.iter().all(|v| v.steps.is_none()) {
        return Ok(None);
    }
    let jobs = positions(b.input.jobs.iter().map(|j| j.step.id));
    let pickups = positions(b.input.shipments.iter().map(|s| s.pickup.id));
    let deliveries = positions(b.input.shipments.iter().map(|s| s.delivery.id));
    let mut routes = Vec::new();
    for (v, vehicle) in b.input.vehicles.iter().enumerate() {
        let Some(steps) = &vehicle.steps else {
            continue;
        };
        let vid = vehicle.id;
        let mut stops = Vec::with_capacity(steps.len());
        for (k, step) in steps.iter().enumerate() {
            let f = format!("vehicles[{v}].steps[{k}]");
            for (name, given) in [
                ("service_at", step.service_at),
                ("service_after", step.service_after),
                ("service_before", step.service_before),
            ] {
                if given.is_some() {
                    return Err(VroomError::input(format!(
                        "{f}.{name}: service times of given steps belong to plan mode, which is \
                         not supported"
                    )));
                }
            }
            let id = || {
                step.id.ok_or_else(|| {
                    VroomError::input(format!("{f}.id: a {} step needs an id", step.kind))
                })
            };
            let unknown = |what: &str, id: u64| {
                VroomError::input(format!("Invalid {what} id {id} for vehicle {vid}."))
            };
            match step.kind.as_str() {
                "start" if k == 0 => {}
                "end" if k + 1 == steps.len() => {}
                "start" | "end" => {
                    return Err(VroomError::input(format!(
                        "Unexpected {} in input steps for vehicle {vid}.",
                        step.kind
                    )));
                }
                "job" => {
                    let id = id()?;
                    stops.push(StopKind::Job(
                        *jobs.get(&id).ok_or_else(|| unknown("job", id))?,
                    ));
                }
                "pickup" => {
                    let id = id()?;
                    let s = *pickups.get(&id).ok_or_else(|| unknown("pickup", id))?;
                    stops.push(StopKind::Pickup(s));
                }
                "delivery" => {
                    let id = id()?;
                    let s = *deliveries.get(&id).ok_or_else(|| unknown("delivery", id))?;
                    stops.push(StopKind::Delivery(s));
                }
                "break" => {
                    let id = id()?;
                    if !vehicle.breaks.iter().any(|x| x.id == id) {
                        return Err(unknown("break", id));
                    }
                }
                other => {
                    return Err(VroomError::input(format!(
                        "{f}.type: unknown step type {other:?} (start, job, pickup, delivery, \
                         break, end)"
                    )));
                }
            }
        }
        routes.push(InitialRoute { vehicle: v, stops });
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
