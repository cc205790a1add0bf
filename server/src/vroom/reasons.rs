//! Why a task is unassigned, in words a coordinator can act on: vmeste's `reason` field on
//! VROOM's `unassigned` entries, `{"code": ..., "message": ...}` plus figures where they help
//! (the earliest possible arrival for a missed time window).
//!
//! Codes: `no_vehicle_with_skills`, `over_capacity`, `no_road_nearby` (the point is off the
//! roads of every capable vehicle's profile), `unreachable` (no road joins it to a capable
//! vehicle's start or end), `time_window`, `shift_too_short`, `max_tasks`, `max_distance`,
//! `max_travel_time`, `no_room_in_plan`.

use engine::vrp::{Load, Location, Place, Reason, SkillSet, Task};
use serde_json::{Value, json};

use super::build::Built;

/// The vehicles (indices) with `skills`.
fn skilled(b: &Built, skills: SkillSet) -> Vec<usize> {
    (0..b.problem.vehicles.len())
        .filter(|&v| skills.is_subset_of(b.problem.vehicles[v].skills))
        .collect()
}

/// The wire form of a load.
pub(super) fn amounts(l: Load, dims: usize) -> Vec<i32> {
    l.0[..dims].to_vec()
}

/// The reason object of an unassigned `task`.
pub(super) fn reason(b: &Built, task: Task, why: Reason) -> Value {
    let p = &b.problem;
    let (places, skills, needs): (Vec<&Place>, SkillSet, Load) = match task {
        Task::Job(i) => {
            let j = &p.jobs[i];
            (vec![&j.place], j.skills, j.delivery.max(j.pickup))
        }
        Task::Shipment(i) => {
            let s = &p.shipments[i];
            (vec![&s.pickup, &s.delivery], s.skills, s.amount)
        }
    };
    let capable: Vec<usize> = skilled(b, skills)
        .into_iter()
        .filter(|&v| needs.fits(p.vehicles[v].capacity))
        .collect();
    let ids = |vs: &[usize]| -> Vec<u64> { vs.iter().map(|&v| p.vehicles[v].id).collect() };
    match why {
        Reason::Skills => json!({
            "code": "no_vehicle_with_skills",
            "message": "no vehicle has every skill the task needs",
        }),
        Reason::Capacity => {
            let largest = skilled(b, skills)
                .iter()
                .fold(Load::ZERO, |m, &v| m.max(p.vehicles[v].capacity));
            json!({
                "code": "over_capacity",
                "message": format!(
                    "the task needs {:?}, more than the capacity of every vehicle with its \
                     skills (largest {:?} per dimension)",
                    amounts(needs, b.dims),
                    amounts(largest, b.dims)
                ),
            })
        }
        Reason::Unreachable => unreachable(b, &places, &capable),
        Reason::TimeWindow => time_window(b, places[0], &capable),
        Reason::ShiftLength => limit(
            "shift_too_short",
            "serving the task, even alone, does not fit in the shift (with its breaks) of any \
             vehicle that can carry it",
            &ids(&capable),
        ),
        Reason::MaxTasks => limit(
            "max_tasks",
            "every vehicle that could serve the task has reached its max_tasks",
            &ids(&capable),
        ),
        Reason::MaxDistance => limit(
            "max_distance",
            "serving the task exceeds the max_distance of every vehicle that can carry it",
            &ids(&capable),
        ),
        Reason::MaxTravelTime => limit(
            "max_travel_time",
            "serving the task exceeds the max_travel_time of every vehicle that can carry it",
            &ids(&capable),
        ),
        Reason::NoRoomInPlan => json!({
            "code": "no_room_in_plan",
            "message": "a vehicle could serve the task alone, but not together with the tasks \
                        of higher priority or lower cost in this plan: add a vehicle or \
                        widen shifts",
        }),
    }
}

/// A reason naming the vehicles whose limit the task breaks.
fn limit(code: &str, message: &str, vehicles: &[u64]) -> Value {
    json!({"code": code, "message": message, "vehicles": vehicles})
}

fn unreachable(b: &Built, places: &[&Place], capable: &[usize]) -> Value {
    let p = &b.problem;
    let off_road: Vec<String> = capable
        .iter()
        .map(|&v| p.vehicles[v].profile)
        .filter_map(|k| {
            places
                .iter()
                .find_map(|pl| b.unplaced[k].get(&pl.location.0))
                .map(|why| format!("{}: {why}", b.profiles[k]))
        })
        .collect();
    let all_off = !capable.is_empty() && off_road.len() == capable.len();
    if all_off {
        let mut off = off_road;
        off.dedup();
        json!({
            "code": "no_road_nearby",
            "message": format!(
                "the location is too far from the roads of the capable vehicles' profiles ({})",
                off.join("; ")
            ),
        })
    } else {
        json!({
            "code": "unreachable",
            "message": "no road joins the task to the start or end of any vehicle that can \
                        carry it",
        })
    }
}

/// Earliest arrival at `place` over `capable` vehicles, leaving their start at shift start.
fn earliest_arrival(b: &Built, place: &Place, capable: &[usize]) -> Option<(u64, u64)> {
    let p = &b.problem;
    capable
        .iter()
        .filter_map(|&v| {
            let veh = &p.vehicles[v];
            let matrix = p.matrices.get(veh.profile)?;
            let travel = match veh.start {
                Some(s) => veh.leg(matrix, s, place.location)?.0,
                None => 0,
            };
            Some((u64::from(veh.shift.start) + travel, veh.id))
        })
        .min()
}

fn time_window(b: &Built, place: &Place, capable: &[usize]) -> Value {
    let last_end = place.time_windows.last().map(|w| u64::from(w.end));
    match (earliest_arrival(b, place, capable), last_end) {
        (Some((t, vehicle)), Some(end)) if t > end => json!({
            "code": "time_window",
            "message": format!(
                "the earliest possible arrival is {t} (vehicle {vehicle}), after the end of \
                 the last time window ({end})"
            ),
            "earliest_arrival": t,
            "vehicle": vehicle,
        }),
        (Some((t, vehicle)), _) => json!({
            "code": "time_window",
            "message": format!(
                "a vehicle can arrive by {t} (vehicle {vehicle}), but no vehicle can serve \
                 the task inside its time windows and still keep its shift"
            ),
            "earliest_arrival": t,
            "vehicle": vehicle,
        }),
        (None, _) => json!({
            "code": "time_window",
            "message": "no vehicle that can carry the task can serve it inside its time windows",
        }),
    }
}

/// The location of a matrix index on the wire: coordinates when known, else the index.
pub(super) fn location_fields(b: &Built, l: Location, out: &mut serde_json::Map<String, Value>) {
    if let Some(Some(c)) = b.coords.get(l.0 as usize) {
        out.insert("location".into(), json!(c));
    }
    if b.index_mode {
        out.insert("location_index".into(), json!(l.0));
    }
}
