//! VROOM's plan mode (`options.c: true`, VROOM's `-c` "choose ETA"): every vehicle's `steps`
//! is a fixed route; nothing is optimised. Each route is scheduled by
//! [`engine::vrp::schedule`] (service times chosen to keep violations, then the route's
//! length, as small as they can be, honouring the steps' `service_at`, `service_after` and
//! `service_before`), and the answer gives each step's `arrival`, `waiting_time`, `duration`,
//! `distance`, `load` and `violations`, with the violations of each route and of the whole
//! plan. Tasks named by no vehicle's steps are unassigned (`reason.code` `not_in_plan`).
//!
//! A task named twice (on one route or two) is refused in VROOM's words ("Duplicate job id 3
//! in input steps for vehicle 8."), as is a route whose service bounds no schedule can meet
//! ("Infeasible route for vehicle 8."). Plan mode without any vehicle's steps is an input
//! error: there is nothing to plan.

use std::collections::HashSet;

use engine::vrp::{
    EtaError, EtaKind, EtaRoute, EtaStep, FixedRoute, Location, StopKind, Task, Violation, schedule,
};
use serde_json::{Map, Value, json};

use super::VroomError;
use super::build::Built;
use super::render::{Times, Totals, answer, step, task_stop, unassigned_entries};
use super::steps::{GivenRoute, given_routes};

/// Schedules every vehicle's steps: the routes, and VROOM's `unassigned` entries.
///
/// # Errors
/// Input errors (code 2) for plans without steps, unknown or repeated tasks and infeasible
/// service bounds; an internal error (code 1) when the timing program fails.
pub(crate) fn plan(b: &Built) -> Result<(Vec<EtaRoute>, Vec<Value>), VroomError> {
    let given = given_routes(b)?;
    if given.is_empty() {
        return Err(VroomError::input(
            "options.c: plan mode schedules the vehicles' steps, and no vehicle has any",
        ));
    }
    check_repeats(b, &given)?;
    let vid = |v: usize| b.input.vehicles[v].id;
    let mut routes = Vec::with_capacity(given.len());
    for g in &given {
        let fixed = FixedRoute {
            vehicle: g.vehicle,
            stops: g.stops.clone(),
            start: g.start,
            end: g.end,
        };
        let r = schedule(&b.problem, &fixed).map_err(|e| match e {
            EtaError::Infeasible { vehicle } => {
                VroomError::input(format!("Infeasible route for vehicle {}.", vid(vehicle)))
            }
            EtaError::UnknownVehicle { .. } | EtaError::UnknownStop { .. } => {
                VroomError::input(e.to_string())
            }
            EtaError::Solver { vehicle, message } => {
                tracing::error!(vehicle, message, "plan mode: the timing program failed");
                VroomError::internal("the timing program failed")
            }
        })?;
        routes.push(r);
    }
    let served: HashSet<Task> = given
        .iter()
        .flat_map(|g| &g.stops)
        .filter_map(|(k, _)| match *k {
            StopKind::Job(j) => Some(Task::Job(j)),
            StopKind::Pickup(s) | StopKind::Delivery(s) => Some(Task::Shipment(s)),
            StopKind::Break(_) => None,
        })
        .collect();
    let not_planned = json!({
        "code": "not_in_plan",
        "message": "plan mode: no vehicle's steps name this task",
    });
    let unassigned = unassigned_entries(
        b,
        (0..b.problem.jobs.len())
            .map(Task::Job)
            .chain((0..b.problem.shipments.len()).map(Task::Shipment))
            .filter(|t| !served.contains(t))
            .map(|t| (t, not_planned.clone())),
    );
    Ok((routes, unassigned))
}

/// Refuses a task given twice, in VROOM's words.
fn check_repeats(b: &Built, given: &[GivenRoute]) -> Result<(), VroomError> {
    let mut seen = HashSet::new();
    for g in given {
        for &(k, _) in &g.stops {
            if matches!(k, StopKind::Break(_)) {
                continue;
            }
            if !seen.insert(k) {
                let t = task_stop(b, k).expect("a task stop");
                return Err(VroomError::input(format!(
                    "Duplicate {} id {} in input steps for vehicle {}.",
                    t.kind, t.id, b.input.vehicles[g.vehicle].id
                )));
            }
        }
    }
    Ok(())
}

/// VROOM's `violations` list.
fn violations_json(vs: &[Violation]) -> Value {
    Value::Array(
        vs.iter()
            .map(|v| match v.duration() {
                Some(d) => json!({"cause": v.cause(), "duration": d}),
                None => json!({"cause": v.cause()}),
            })
            .collect(),
    )
}

/// Sums lead times and delays, keeps every other cause once.
fn merge(into: &mut Vec<Violation>, from: &[Violation]) {
    for &v in from {
        let same = into
            .iter_mut()
            .find(|x| std::mem::discriminant(*x) == std::mem::discriminant(&v));
        match (same, v) {
            (Some(Violation::LeadTime(d)), Violation::LeadTime(e))
            | (Some(Violation::Delay(d)), Violation::Delay(e)) => *d += e,
            (Some(_), _) => {}
            (None, v) => into.push(v),
        }
    }
}

/// The location of the first task among `steps`, if there is one: where a vehicle without
/// a start leaves from (or, reversed, where one without an end stops).
fn task_location<'a>(b: &Built, mut steps: impl Iterator<Item = &'a EtaStep>) -> Option<Location> {
    steps.find_map(|s| match s.kind {
        EtaKind::Stop(k) => task_stop(b, k).map(|t| t.location),
        _ => None,
    })
}

fn route_json(b: &Built, r: &EtaRoute) -> (Map<String, Value>, Totals) {
    let veh = &b.problem.vehicles[r.vehicle];
    let mut totals = Totals::default();
    let mut steps = Vec::with_capacity(r.steps.len());
    for s in &r.steps {
        let mut out = match s.kind {
            EtaKind::Start | EtaKind::End => {
                let kind = if s.kind == EtaKind::Start {
                    "start"
                } else {
                    "end"
                };
                let at = if s.kind == EtaKind::Start {
                    veh.start.or_else(|| task_location(b, r.steps.iter()))
                } else {
                    veh.end.or_else(|| task_location(b, r.steps.iter().rev()))
                };
                step(
                    b,
                    kind,
                    at,
                    s.arrival,
                    s.duration,
                    s.distance,
                    (0, 0, s.waiting_time),
                    s.load,
                )
            }
            EtaKind::Stop(StopKind::Break(k)) => {
                let br = &veh.breaks[k];
                let mut out = step(
                    b,
                    "break",
                    None,
                    s.arrival,
                    s.duration,
                    s.distance,
                    (0, u64::from(br.duration), s.waiting_time),
                    s.load,
                );
                out.insert("id".into(), json!(br.id));
                if let Some(d) = b.input.vehicles[r.vehicle]
                    .breaks
                    .get(k)
                    .and_then(|x| x.description.clone())
                {
                    out.insert("description".into(), json!(d));
                }
                totals.service += u64::from(br.duration);
                out
            }
            EtaKind::Stop(kind) => {
                let t = task_stop(b, kind).expect("a task stop");
                let (down, up) = t.change;
                totals.delivery = totals.delivery + down;
                totals.pickup = totals.pickup + up;
                totals.setup += u64::from(t.setup);
                totals.service += u64::from(t.service);
                totals.priority += u64::from(t.priority);
                let mut out = step(
                    b,
                    t.kind,
                    Some(t.location),
                    s.arrival,
                    s.duration,
                    s.distance,
                    (u64::from(t.setup), u64::from(t.service), s.waiting_time),
                    s.load,
                );
                out.insert("id".into(), json!(t.id));
                out.insert("job".into(), json!(t.id));
                if let Some(d) = &t.description {
                    out.insert("description".into(), json!(d));
                }
                out
            }
        };
        out.insert("violations".into(), violations_json(&s.violations));
        steps.push(Value::Object(out));
    }
    totals.duration = r.duration;
    totals.distance = r.distance;
    totals.waiting_time = r.waiting_time;
    totals.cost = r.cost;
    let mut out = Map::new();
    out.insert("vehicle".into(), json!(veh.id));
    if let Some(d) = &b.input.vehicles[r.vehicle].description {
        out.insert("description".into(), json!(d));
    }
    totals.fields(b.dims, &mut out);
    out.insert("violations".into(), violations_json(&r.violations));
    out.insert("steps".into(), Value::Array(steps));
    (out, totals)
}

/// The locations of a scheduled route in order, start and end included (for its geometry).
pub(crate) fn route_locations(b: &Built, r: &EtaRoute) -> Vec<Location> {
    let veh = &b.problem.vehicles[r.vehicle];
    r.steps
        .iter()
        .filter_map(|s| match s.kind {
            EtaKind::Start => veh.start,
            EtaKind::End => veh.end,
            EtaKind::Stop(k) => task_stop(b, k).map(|t| t.location),
        })
        .collect()
}

/// The whole answer in VROOM's output shape. `geometries[r]`, when given, is route `r`'s
/// encoded polyline.
pub(crate) fn render(
    b: &Built,
    routes: &[EtaRoute],
    unassigned: &[Value],
    geometries: Option<&[String]>,
    times: Times,
) -> Value {
    let mut total = Totals::default();
    let mut all = Vec::new();
    let mut out = Vec::with_capacity(routes.len());
    for (k, r) in routes.iter().enumerate() {
        let (mut json, t) = route_json(b, r);
        if let Some(g) = geometries.and_then(|g| g.get(k)) {
            json.insert("geometry".into(), json!(g));
        }
        total.add(&t);
        merge(&mut all, &r.violations);
        out.push(Value::Object(json));
    }
    let mut summary = Map::new();
    total.fields(b.dims, &mut summary);
    summary.insert("violations".into(), violations_json(&all));
    answer(b, summary, &out, unassigned, times)
}
