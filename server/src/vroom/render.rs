//! [`engine::vrp::Solution`] → VROOM's output JSON (`code`, `summary`, `unassigned`,
//! `routes` with their `steps`), recomputing each step's cumulative travel time, distance
//! and load from the problem (`Solution`'s semantics). vmeste's additions: `reason` on each
//! unassigned entry.

use engine::vrp::{Load, Location, Route, Solution, StopKind, Task};
use serde_json::{Map, Value, json};

use super::build::Built;
use super::reasons::{amounts, location_fields, reason};

/// Totals of routes, summed into the summary.
#[derive(Default)]
pub(super) struct Totals {
    pub(super) cost: i64,
    pub(super) setup: u64,
    pub(super) service: u64,
    pub(super) duration: u64,
    pub(super) waiting_time: u64,
    pub(super) priority: u64,
    pub(super) distance: u64,
    pub(super) delivery: Load,
    pub(super) pickup: Load,
}

impl Totals {
    pub(super) fn add(&mut self, o: &Totals) {
        self.cost = self.cost.saturating_add(o.cost);
        self.setup += o.setup;
        self.service += o.service;
        self.duration += o.duration;
        self.waiting_time += o.waiting_time;
        self.priority += o.priority;
        self.distance += o.distance;
        self.delivery = self.delivery + o.delivery;
        self.pickup = self.pickup + o.pickup;
    }

    pub(super) fn fields(&self, dims: usize, out: &mut Map<String, Value>) {
        out.insert("cost".into(), json!(self.cost));
        out.insert("setup".into(), json!(self.setup));
        out.insert("service".into(), json!(self.service));
        out.insert("duration".into(), json!(self.duration));
        out.insert("waiting_time".into(), json!(self.waiting_time));
        out.insert("priority".into(), json!(self.priority));
        out.insert("distance".into(), json!(self.distance));
        out.insert("delivery".into(), json!(amounts(self.delivery, dims)));
        out.insert("pickup".into(), json!(amounts(self.pickup, dims)));
        out.insert("violations".into(), json!([]));
    }
}

/// What a task stop is on the wire.
pub(super) struct TaskStop {
    pub(super) kind: &'static str,
    pub(super) id: u64,
    pub(super) description: Option<String>,
    pub(super) location: Location,
    pub(super) setup: u32,
    pub(super) service: u32,
    pub(super) priority: u8,
    /// Load change at the stop, and the amounts counted as delivered and picked up.
    pub(super) change: (Load, Load),
}

pub(super) fn task_stop(b: &Built, kind: StopKind) -> Option<TaskStop> {
    let p = &b.problem;
    match kind {
        StopKind::Job(i) => {
            let (j, w) = (&p.jobs[i], &b.input.jobs[i].step);
            Some(TaskStop {
                kind: "job",
                id: j.id,
                description: w.description.clone(),
                location: j.place.location,
                setup: w.setup,
                service: w.service,
                priority: j.priority,
                change: (j.delivery, j.pickup),
            })
        }
        StopKind::Pickup(i) | StopKind::Delivery(i) => {
            let (s, w) = (&p.shipments[i], &b.input.shipments[i]);
            let pickup = matches!(kind, StopKind::Pickup(_));
            let (step, place, id) = if pickup {
                (&w.pickup, &s.pickup, s.pickup_id)
            } else {
                (&w.delivery, &s.delivery, s.delivery_id)
            };
            Some(TaskStop {
                kind: if pickup { "pickup" } else { "delivery" },
                id,
                description: step.description.clone(),
                location: place.location,
                setup: step.setup,
                service: step.service,
                priority: if pickup { s.priority } else { 0 },
                change: if pickup {
                    (Load::ZERO, s.amount)
                } else {
                    (s.amount, Load::ZERO)
                },
            })
        }
        StopKind::Break(_) => None,
    }
}

/// One step object with the fields every step has.
#[expect(
    clippy::too_many_arguments,
    reason = "the step's fields, named at the call"
)]
pub(super) fn step(
    b: &Built,
    kind: &str,
    location: Option<Location>,
    arrival: u64,
    duration: u64,
    distance: u64,
    (setup, service, waiting): (u64, u64, u64),
    load: Load,
) -> Map<String, Value> {
    let mut s = Map::new();
    s.insert("type".into(), json!(kind));
    if let Some(l) = location {
        location_fields(b, l, &mut s);
    }
    s.insert("setup".into(), json!(setup));
    s.insert("service".into(), json!(service));
    s.insert("waiting_time".into(), json!(waiting));
    s.insert("load".into(), json!(amounts(load, b.dims)));
    s.insert("arrival".into(), json!(arrival));
    s.insert("duration".into(), json!(duration));
    s.insert("distance".into(), json!(distance));
    s.insert("violations".into(), json!([]));
    s
}

/// The stops' locations of a route in order, start and end included (for its geometry).
pub(super) fn route_locations(b: &Built, route: &Route) -> Vec<Location> {
    let veh = &b.problem.vehicles[route.vehicle];
    let mut out: Vec<Location> = veh.start.into_iter().collect();
    out.extend(
        route
            .stops
            .iter()
            .filter_map(|s| task_stop(b, s.kind).map(|t| t.location)),
    );
    out.extend(veh.end);
    out
}

fn route_json(b: &Built, route: &Route) -> (Map<String, Value>, Totals) {
    let p = &b.problem;
    let veh = &p.vehicles[route.vehicle];
    let matrix = &p.matrices[veh.profile];
    let stops: Vec<Option<TaskStop>> = route.stops.iter().map(|s| task_stop(b, s.kind)).collect();
    let mut load =
        stops.iter().flatten().fold(
            Load::ZERO,
            |l, t| {
                if t.kind == "job" { l + t.change.0 } else { l }
            },
        );
    let mut totals = Totals::default();
    let mut steps = Vec::with_capacity(route.stops.len() + 2);
    let mut prev = veh.start;
    let mut free = u64::from(route.departure);
    if let Some(s) = veh.start {
        steps.push(Value::Object(step(
            b,
            "start",
            Some(s),
            free,
            0,
            0,
            (0, 0, 0),
            load,
        )));
    }
    for (stop, task) in route.stops.iter().zip(&stops) {
        let arrival = u64::from(stop.arrival);
        let start = u64::from(stop.start);
        let waiting = start.saturating_sub(arrival);
        totals.waiting_time += waiting;
        match (stop.kind, task) {
            (StopKind::Break(k), _) => {
                let br = &veh.breaks[k];
                let mut s = step(
                    b,
                    "break",
                    prev,
                    arrival,
                    totals.duration,
                    totals.distance,
                    (0, u64::from(br.duration), waiting),
                    load,
                );
                s.insert("id".into(), json!(br.id));
                if let Some(d) = b.input.vehicles[route.vehicle]
                    .breaks
                    .get(k)
                    .and_then(|x| x.description.clone())
                {
                    s.insert("description".into(), json!(d));
                }
                totals.service += u64::from(br.duration);
                free = start + u64::from(br.duration);
                steps.push(Value::Object(s));
            }
            (_, Some(t)) => {
                let (travel, dist) = prev
                    .and_then(|a| veh.leg(matrix, a, t.location))
                    .unwrap_or((0, 0));
                totals.duration += travel;
                totals.distance += dist;
                let (down, up) = t.change;
                load = load - down + up;
                totals.delivery = totals.delivery + down;
                totals.pickup = totals.pickup + up;
                totals.setup += u64::from(t.setup);
                totals.service += u64::from(t.service);
                totals.priority += u64::from(t.priority);
                let mut s = step(
                    b,
                    t.kind,
                    Some(t.location),
                    arrival,
                    totals.duration,
                    totals.distance,
                    (u64::from(t.setup), u64::from(t.service), waiting),
                    load,
                );
                s.insert("id".into(), json!(t.id));
                s.insert("job".into(), json!(t.id));
                if let Some(d) = &t.description {
                    s.insert("description".into(), json!(d));
                }
                free = start + u64::from(t.setup) + u64::from(t.service);
                prev = Some(t.location);
                steps.push(Value::Object(s));
            }
            (_, None) => {}
        }
    }
    if let Some(e) = veh.end {
        let (travel, dist) = prev.and_then(|a| veh.leg(matrix, a, e)).unwrap_or((0, 0));
        totals.duration += travel;
        totals.distance += dist;
        steps.push(Value::Object(step(
            b,
            "end",
            Some(e),
            free + travel,
            totals.duration,
            totals.distance,
            (0, 0, 0),
            load,
        )));
    }
    totals.cost = veh.route_cost_on(
        matrix,
        &route_locations(b, route),
        totals.duration,
        totals.distance,
    );
    let mut r = Map::new();
    r.insert("vehicle".into(), json!(veh.id));
    if let Some(d) = &b.input.vehicles[route.vehicle].description {
        r.insert("description".into(), json!(d));
    }
    totals.fields(b.dims, &mut r);
    r.insert("steps".into(), Value::Array(steps));
    (r, totals)
}

fn unassigned_json(b: &Built, solution: &Solution) -> Vec<Value> {
    unassigned_entries(
        b,
        solution
            .unassigned
            .iter()
            .map(|u| (u.task, reason(b, u.task, u.reason))),
    )
}

/// VROOM's `unassigned` entries (one per job, two per shipment) with vmeste's `reason`.
pub(super) fn unassigned_entries(
    b: &Built,
    tasks: impl Iterator<Item = (Task, Value)>,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (task, why) in tasks {
        let kinds: Vec<StopKind> = match task {
            Task::Job(i) => vec![StopKind::Job(i)],
            Task::Shipment(i) => vec![StopKind::Pickup(i), StopKind::Delivery(i)],
        };
        for k in kinds {
            let Some(t) = task_stop(b, k) else { continue };
            let mut e = Map::new();
            e.insert("id".into(), json!(t.id));
            e.insert("type".into(), json!(t.kind));
            location_fields(b, t.location, &mut e);
            if let Some(d) = &t.description {
                e.insert("description".into(), json!(d));
            }
            e.insert("reason".into(), why.clone());
            out.push(Value::Object(e));
        }
    }
    out
}

/// Milliseconds spent in each phase, as VROOM's `computing_times`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Times {
    /// Parsing, checking and the matrices.
    pub(crate) loading: u64,
    /// The search.
    pub(crate) solving: u64,
    /// Route geometries.
    pub(crate) routing: u64,
}

/// The whole answer. `geometries[r]`, when given, is route `r`'s encoded polyline.
pub(crate) fn render(
    b: &Built,
    solution: &Solution,
    geometries: Option<&[String]>,
    times: Times,
) -> Value {
    let mut total = Totals::default();
    let mut routes = Vec::with_capacity(solution.routes.len());
    for (r, route) in solution.routes.iter().enumerate() {
        let (mut json, t) = route_json(b, route);
        if let Some(g) = geometries.and_then(|g| g.get(r)) {
            json.insert("geometry".into(), json!(g));
        }
        total.add(&t);
        routes.push(Value::Object(json));
    }
    let unassigned = unassigned_json(b, solution);
    let mut summary = Map::new();
    total.fields(b.dims, &mut summary);
    answer(b, summary, &routes, &unassigned, times)
}

/// VROOM's whole answer from its parts: `summary` gets the counts and `computing_times`.
pub(crate) fn answer(
    b: &Built,
    mut summary: Map<String, Value>,
    routes: &[Value],
    unassigned: &[Value],
    times: Times,
) -> Value {
    summary.insert("routes".into(), json!(routes.len()));
    summary.insert("unassigned".into(), json!(unassigned.len()));
    summary.insert(
        "computing_times".into(),
        json!({
            "loading": times.loading,
            "solving": times.solving,
            "routing": times.routing,
            "matrices": b.matrix_ms,
        }),
    );
    json!({
        "code": 0,
        "summary": summary,
        "unassigned": unassigned,
        "routes": routes,
    })
}
