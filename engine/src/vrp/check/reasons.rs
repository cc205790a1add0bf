//! Consistency of the reasons given for unassigned tasks, decided from the problem alone by
//! serving the task on its own with each vehicle (every placement of the vehicle's breaks
//! around it), with the checker's own route evaluation:
//!
//! - `skills`: no vehicle has the task's skills;
//! - `capacity`: some vehicle has them, but none of those can carry each of its amounts;
//! - `unreachable`: some vehicle has the skills and the capacity, and each of those has a leg
//!   of start → task stops → end without a route in its matrix;
//! - `time_window`, `shift_length`, `max_tasks`, `max_distance`, `max_travel_time`: some
//!   vehicle passes the three tests above, no vehicle can serve the task alone, and the named
//!   rule is among the ones broken (breaks outside their windows count as the shift's);
//! - `no_room_in_plan`: some vehicle can serve the task alone.
//!
//! O(unassigned × vehicles × placements), placements being at most a few dozen (the breaks'
//! orders are tried when a vehicle has up to three).

use super::{Problem, Reason, StopKind, Task, Unassigned, Violation, evaluate};

/// Most breaks of a vehicle whose orders are all tried.
const PERMUTED_BREAKS: usize = 3;

/// Pushes a [`Violation::ReasonMismatch`] for every unassigned task whose reason does not hold.
pub(super) fn verify(problem: &Problem, unassigned: &[Unassigned], out: &mut Vec<Violation>) {
    for (index, u) in unassigned.iter().enumerate() {
        if let Some(why) = mismatch(problem, u) {
            out.push(Violation::ReasonMismatch {
                index,
                task: u.task,
                reason: u.reason,
                why,
            });
        }
    }
}

/// Why `u`'s reason does not hold, or `None` when it does (or the task is unknown: reported
/// elsewhere).
fn mismatch(problem: &Problem, u: &Unassigned) -> Option<&'static str> {
    let (stops, skills, amounts) = match u.task {
        Task::Job(i) => {
            let j = problem.jobs.get(i)?;
            (vec![StopKind::Job(i)], j.skills, vec![j.delivery, j.pickup])
        }
        Task::Shipment(i) => {
            let s = problem.shipments.get(i)?;
            (
                vec![StopKind::Pickup(i), StopKind::Delivery(i)],
                s.skills,
                vec![s.amount],
            )
        }
    };
    let skilled: Vec<usize> = (0..problem.vehicles.len())
        .filter(|&v| skills.is_subset_of(problem.vehicles[v].skills))
        .collect();
    if u.reason == Reason::Skills {
        return (!skilled.is_empty()).then_some("a vehicle has the skills");
    }
    if skilled.is_empty() {
        return Some("no vehicle has the skills");
    }
    let carrying: Vec<usize> = skilled
        .into_iter()
        .filter(|&v| amounts.iter().all(|a| a.fits(problem.vehicles[v].capacity)))
        .collect();
    if u.reason == Reason::Capacity {
        return (!carrying.is_empty()).then_some("a vehicle with the skills can carry it");
    }
    if carrying.is_empty() {
        return Some("no vehicle with the skills can carry it");
    }
    let reaching: Vec<usize> = carrying
        .into_iter()
        .filter(|&v| reachable(problem, v, &stops))
        .collect();
    if u.reason == Reason::Unreachable {
        return (!reaching.is_empty()).then_some("a capable vehicle can reach it");
    }
    if reaching.is_empty() {
        return Some("no capable vehicle can reach it");
    }
    let mut alone = false;
    let mut named = false;
    let mut broken = Vec::new();
    for &v in &reaching {
        placements(problem, v, &stops, |route| {
            broken.clear();
            let departure = problem.vehicles[v].shift.start;
            let eval = evaluate(
                problem,
                0,
                v,
                departure,
                route.iter().map(|&k| (k, None)),
                &mut broken,
            );
            if eval.is_some() && broken.is_empty() {
                alone = true;
            }
            named |= broken.iter().any(|b| names(u.reason, b));
            alone
        });
        if alone {
            break;
        }
    }
    match (u.reason, alone) {
        (Reason::NoRoomInPlan, false) => Some("no vehicle can serve the task alone"),
        (Reason::NoRoomInPlan, true) => None,
        (_, true) => Some("a vehicle can serve the task alone"),
        (_, false) => (!named).then_some("no vehicle breaks the named rule"),
    }
}

/// Whether violation `b` is an instance of `reason`.
fn names(reason: Reason, b: &Violation) -> bool {
    matches!(
        (reason, b),
        (Reason::TimeWindow, Violation::TimeWindow { .. })
            | (
                Reason::ShiftLength,
                Violation::ShiftEnd { .. }
                    | Violation::BreakWindow { .. }
                    | Violation::BreakCount { .. }
            )
            | (Reason::MaxTasks, Violation::MaxTasks { .. })
            | (Reason::MaxDistance, Violation::MaxDistance { .. })
            | (Reason::MaxTravelTime, Violation::MaxTravelTime { .. })
    )
}

/// Whether every leg of vehicle `v`'s start → `stops` → end has a route in its matrix.
fn reachable(problem: &Problem, v: usize, stops: &[StopKind]) -> bool {
    let veh = &problem.vehicles[v];
    let Some(matrix) = problem.matrices.get(veh.profile) else {
        return false;
    };
    let locations: Vec<_> = stops
        .iter()
        .filter_map(|&k| super::task_info(problem, k).map(|(p, _, _)| p.location))
        .collect();
    let mut from = veh.start;
    for &to in locations.iter().chain(veh.end.iter()) {
        if let Some(f) = from
            && veh.leg(matrix, f, to).is_none()
        {
            return false;
        }
        from = Some(to);
    }
    true
}

/// Calls `f` on each route of vehicle `v` made of `stops` (in order) and all of its breaks,
/// merged in every way (and in every break order when there are few), until `f` returns
/// `true`.
fn placements(
    problem: &Problem,
    v: usize,
    stops: &[StopKind],
    mut f: impl FnMut(&[StopKind]) -> bool,
) {
    let n = problem.vehicles[v].breaks.len();
    let mut orders: Vec<Vec<StopKind>> = Vec::new();
    let mut breaks: Vec<StopKind> = (0..n).map(StopKind::Break).collect();
    if n <= PERMUTED_BREAKS {
        permutations(&mut breaks, 0, &mut orders);
    } else {
        orders.push(breaks);
    }
    let mut route = Vec::with_capacity(stops.len() + n);
    for order in &orders {
        if merges(stops, order, &mut route, &mut f) {
            return;
        }
    }
}

/// Every order of `items[k..]` after the fixed `items[..k]`, pushed to `out`.
fn permutations(items: &mut Vec<StopKind>, k: usize, out: &mut Vec<Vec<StopKind>>) {
    if k + 1 >= items.len() {
        out.push(items.clone());
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, out);
        items.swap(k, i);
    }
}

/// Calls `f` on every merge of `a` and `b` keeping each one's order; `true` once `f` does.
fn merges(
    a: &[StopKind],
    b: &[StopKind],
    route: &mut Vec<StopKind>,
    f: &mut impl FnMut(&[StopKind]) -> bool,
) -> bool {
    if a.is_empty() || b.is_empty() {
        let len = route.len();
        route.extend_from_slice(a);
        route.extend_from_slice(b);
        let stop = f(route);
        route.truncate(len);
        return stop;
    }
    for (first, rest_a, rest_b) in [(a[0], &a[1..], b), (b[0], a, &b[1..])] {
        route.push(first);
        let stop = merges(rest_a, rest_b, route, f);
        route.pop();
        if stop {
            return true;
        }
    }
    false
}
