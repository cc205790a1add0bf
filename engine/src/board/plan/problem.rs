//! A board snapshot → [`PlanProblem`]: who is on shift, which requests to route, which to
//! match by phone, and each one's windows, loads, skills and priority.

use std::collections::{BTreeMap, BTreeSet};

use super::{Basis, Call, PlanProblem, PlanTask, PlanVehicle, Reason, Unassigned};
use crate::board::error::{BoardError, invalid};
use crate::board::model::{
    Hq, Mode, Request, RequestStatus, Urgency, Volunteer, VolunteerStatus, Window,
};
use crate::board::time::Time;

/// Weight of an urgent request (and of a request a volunteer already holds).
pub const PRIORITY_URGENT: u8 = 100;
/// Weight of a normal request.
pub const PRIORITY_NORMAL: u8 = 10;
/// Weight of a planned request.
pub const PRIORITY_PLANNED: u8 = 1;
/// Latest time a plan looks at, in seconds from `now` (14 days): later window ends and
/// deadlines are cut here.
pub const HORIZON_S: i64 = 14 * 24 * 3600;
/// A volunteer whose next shift starts within this many seconds is planned from its start.
pub const SHIFT_AHEAD_S: i64 = 12 * 3600;
/// Most identifiers a scope may name.
pub const MAX_SCOPE_IDS: usize = 10_000;

/// Which part of a headquarters to plan; `None`: all of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanScope {
    /// Only these volunteers (of the headquarters).
    pub volunteers: Option<Vec<i64>>,
    /// Only these new requests (open requests of the headquarters); requests already held by
    /// a planned volunteer are always in the plan, fixed to them.
    pub requests: Option<Vec<i64>>,
}

fn priority(u: Urgency) -> u8 {
    match u {
        Urgency::Urgent => PRIORITY_URGENT,
        Urgency::Normal => PRIORITY_NORMAL,
        Urgency::Planned => PRIORITY_PLANNED,
    }
}

/// Seconds from `now` to `t`, cut to `0..=HORIZON_S`.
fn rel(now: Time, t: Time) -> u32 {
    u32::try_from((t.0.saturating_sub(now.0)).clamp(0, HORIZON_S)).unwrap_or(u32::MAX)
}

/// The shift a volunteer works in this plan: the one holding `now` (the latest ending when
/// several do), else the first starting within [`SHIFT_AHEAD_S`].
fn shift_of(v: &Volunteer, now: Time) -> Option<Window> {
    let current = v
        .shifts
        .iter()
        .filter(|w| w.contains(now))
        .max_by_key(|w| w.end);
    current.copied().or_else(|| {
        v.shifts
            .iter()
            .filter(|w| w.start > now && w.start.0 - now.0 <= SHIFT_AHEAD_S && w.start < w.end)
            .min_by_key(|w| w.start)
            .copied()
    })
}

/// When service may start: each window cut to `[now, deadline − service]`; with no window,
/// `[now, deadline − service]`. Empty when nothing is left.
fn windows(r: &Request, now: Time) -> Vec<[u32; 2]> {
    let last = r.deadline.plus(-i64::from(r.service_min) * 60);
    let given: Vec<Window> = if r.time_windows.is_empty() {
        vec![Window {
            start: now,
            end: last,
        }]
    } else {
        r.time_windows.clone()
    };
    given
        .iter()
        .filter_map(|w| {
            let start = w.start.max(now);
            let end = w.end.min(last);
            (start <= end && end >= now).then(|| [rel(now, start), rel(now, end)])
        })
        .collect()
}

/// What planning reads of a volunteer, as text: a change to any of it makes a plan stale;
/// position reports do not.
#[must_use]
pub(super) fn fingerprint(v: &Volunteer) -> String {
    serde_json::json!([
        v.hq,
        v.mode,
        v.skills,
        v.capacity_kg,
        v.capacity_bags,
        v.shifts,
        v.max_tasks,
        v.home,
        v.status
    ])
    .to_string()
}

fn reason(code: &str, message: impl Into<String>) -> Reason {
    Reason {
        code: code.to_owned(),
        message: message.into(),
    }
}

/// Checks a scope's identifiers: not empty, not too many, each in `known`.
fn check_scope(
    field: &str,
    ids: Option<&Vec<i64>>,
    known: &BTreeSet<i64>,
    what: &str,
    hq: i64,
) -> Result<Option<BTreeSet<i64>>, BoardError> {
    let Some(ids) = ids else { return Ok(None) };
    if ids.is_empty() {
        return Err(invalid(
            field,
            format!("names no {what}: leave it out to plan all"),
        ));
    }
    if ids.len() > MAX_SCOPE_IDS {
        return Err(invalid(
            field,
            format!("more than {MAX_SCOPE_IDS} identifiers"),
        ));
    }
    if let Some(id) = ids.iter().find(|id| !known.contains(id)) {
        return Err(invalid(
            field,
            format!("{id} is not an {what} of headquarters {hq}"),
        ));
    }
    Ok(Some(ids.iter().copied().collect()))
}

/// The planning problem of headquarters `hq` at `now`, from its open requests and its
/// volunteers (records of other headquarters and closed requests are ignored).
///
/// The fleet: volunteers in scope who are not `off`, are on shift (see the module docs of
/// [`super`]) and travel by one of `modes` (those with a road graph). Tasks: requests held by a fleet volunteer (fixed to them) and new
/// requests in scope. Requests done by phone are matched to a fleet volunteer with the
/// skills who is `available` and below `max_tasks`, the least loaded first (urgent, then
/// earliest deadline, first).
///
/// # Errors
/// [`BoardError::Invalid`] for a scope naming nothing, or a volunteer or request that is not
/// of the headquarters (requests: not open).
pub fn prepare(
    hq: &Hq,
    requests: &[Request],
    volunteers: &[Volunteer],
    scope: &PlanScope,
    modes: &[Mode],
    now: Time,
) -> Result<PlanProblem, BoardError> {
    let vols: BTreeMap<i64, &Volunteer> = volunteers
        .iter()
        .filter(|v| v.hq == hq.id)
        .map(|v| (v.id, v))
        .collect();
    let open: Vec<&Request> = requests
        .iter()
        .filter(|r| r.hq == hq.id && r.status.is_open())
        .collect();
    let vol_ids: BTreeSet<i64> = vols.keys().copied().collect();
    let req_ids: BTreeSet<i64> = open.iter().map(|r| r.id).collect();
    let vol_scope = check_scope(
        "volunteers",
        scope.volunteers.as_ref(),
        &vol_ids,
        "volunteer",
        hq.id,
    )?;
    let req_scope = check_scope(
        "requests",
        scope.requests.as_ref(),
        &req_ids,
        "open request",
        hq.id,
    )?;

    let mut shifts: BTreeMap<i64, Window> = BTreeMap::new();
    for v in vols.values() {
        if vol_scope.as_ref().is_some_and(|s| !s.contains(&v.id))
            || v.status == VolunteerStatus::Off
            || !modes.contains(&v.mode)
        {
            continue;
        }
        if let Some(w) = shift_of(v, now) {
            shifts.insert(v.id, w);
        }
    }
    // Requests each volunteer holds (all of them count against max_tasks).
    let mut load: BTreeMap<i64, u32> = BTreeMap::new();
    for r in &open {
        if let (true, Some(v)) = (r.status.is_held(), r.volunteer) {
            *load.entry(v).or_default() += 1;
        }
    }

    let mut tasks = Vec::new();
    let mut calls = Vec::new();
    let mut unassigned = Vec::new();
    let mut phone: Vec<&Request> = Vec::new();
    // Calls each volunteer makes in this plan: held ones, then new ones.
    let mut held_calls: BTreeMap<i64, u32> = BTreeMap::new();
    let mut calls_of: BTreeMap<i64, u32> = BTreeMap::new();
    for r in &open {
        let held_by = r
            .volunteer
            .filter(|v| r.status.is_held() && shifts.contains_key(v));
        if r.status.is_held() && held_by.is_none() {
            continue; // held by a volunteer outside the plan: left as it is
        }
        if held_by.is_none() && req_scope.as_ref().is_some_and(|s| !s.contains(&r.id)) {
            continue;
        }
        let location = r.location.filter(|_| r.kind.needs_trip());
        match (location, held_by) {
            (None, Some(v)) => {
                calls.push(Call {
                    request: r.id,
                    volunteer: v,
                });
                *held_calls.entry(v).or_default() += 1;
            }
            (None, None) => phone.push(r),
            (Some(_), None) if shifts.is_empty() => unassigned.push(Unassigned {
                request: r.id,
                reason: reason(
                    "no_volunteer_on_shift",
                    "no volunteer of the plan is on shift",
                ),
            }),
            (Some(location), held_by) => {
                let w = windows(r, now);
                if w.is_empty() && held_by.is_none() {
                    unassigned.push(Unassigned {
                        request: r.id,
                        reason: reason(
                            "time_window",
                            "its deadline or time windows leave no time to serve it",
                        ),
                    });
                    continue;
                }
                tasks.push(PlanTask {
                    request: r.id,
                    location,
                    windows: w,
                    service_s: r.service_min.saturating_mul(60),
                    load: [tenths(r.load_kg), r.load_bags],
                    skills: r.skills.clone(),
                    priority: if held_by.is_some() {
                        PRIORITY_URGENT
                    } else {
                        priority(r.urgency)
                    },
                    held_by,
                    started: r.status == RequestStatus::EnRoute,
                });
            }
        }
    }

    // Calls: urgent first, then by deadline; to the least loaded free volunteer with the
    // skills.
    phone.sort_by_key(|r| (r.urgency, r.deadline, r.id));
    for r in phone {
        let skilled: Vec<&Volunteer> = shifts
            .keys()
            .filter_map(|id| vols.get(id).copied())
            .filter(|v| r.skills.iter().all(|s| v.skills.contains(s)))
            .collect();
        let busy = |v: &Volunteer| {
            load.get(&v.id).copied().unwrap_or(0) + calls_of.get(&v.id).copied().unwrap_or(0)
        };
        let best = skilled
            .iter()
            .filter(|v| v.status == VolunteerStatus::Available && busy(v) < v.max_tasks)
            .min_by_key(|v| (busy(v), v.id));
        match best {
            Some(v) => {
                calls.push(Call {
                    request: r.id,
                    volunteer: v.id,
                });
                *calls_of.entry(v.id).or_default() += 1;
            }
            None => unassigned.push(Unassigned {
                request: r.id,
                reason: if shifts.is_empty() {
                    reason(
                        "no_volunteer_on_shift",
                        "no volunteer of the plan is on shift",
                    )
                } else if skilled.is_empty() {
                    reason(
                        "no_vehicle_with_skills",
                        format!(
                            "no volunteer on shift has the skills {:?} the call needs",
                            r.skills
                        ),
                    )
                } else {
                    reason(
                        "no_free_volunteer",
                        "every volunteer with the skills is busy or at max_tasks",
                    )
                },
            }),
        }
    }
    calls.sort_by_key(|c| c.request);

    let trips = u32::try_from(tasks.len()).unwrap_or(u32::MAX);
    let fleet_size = u32::try_from(shifts.len().max(1)).unwrap_or(u32::MAX);
    let fair = trips.div_ceil(fleet_size).saturating_add(1);
    let mut fleet = Vec::with_capacity(shifts.len());
    for (&id, w) in &shifts {
        let Some(v) = vols.get(&id) else { continue };
        let hq_point = hq.location;
        let held_trips = u32::try_from(tasks.iter().filter(|t| t.held_by == Some(id)).count())
            .unwrap_or(u32::MAX);
        let max_tasks = v
            .max_tasks
            .saturating_sub(calls_of.get(&id).copied().unwrap_or(0))
            .saturating_sub(held_calls.get(&id).copied().unwrap_or(0))
            .max(held_trips);
        fleet.push(PlanVehicle {
            volunteer: id,
            mode: v.mode,
            start: v.position.or(v.home).unwrap_or(hq_point),
            end: v.home.unwrap_or(hq_point),
            shift: [rel(now, w.start), rel(now, w.end)],
            capacity: [tenths_floor(v.capacity_kg), v.capacity_bags],
            skills: v.skills.clone(),
            max_tasks,
            fair_max_tasks: fair.min(max_tasks).max(held_trips),
        });
    }

    let mut basis = Basis::default();
    let in_plan: BTreeSet<i64> = tasks
        .iter()
        .map(|t| t.request)
        .chain(calls.iter().map(|c| c.request))
        .collect();
    basis.requests = open
        .iter()
        .filter(|r| in_plan.contains(&r.id))
        .map(|r| (r.id, r.version))
        .collect();
    basis.volunteers = fleet
        .iter()
        .filter_map(|f| vols.get(&f.volunteer).map(|v| (v.id, fingerprint(v))))
        .collect();
    Ok(PlanProblem {
        hq: hq.id,
        now,
        tasks,
        fleet,
        calls,
        unassigned,
        basis,
    })
}

/// Kilograms in tenths, rounded up (a load never looks lighter than it is).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "finite, positive and cut to u32::MAX first"
)]
fn tenths(kg: f64) -> u32 {
    let t = (kg * 10.0).ceil();
    if t.is_finite() && t > 0.0 {
        // In range: loads are at most 1,000 kg.
        t.min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

/// Kilograms in tenths, rounded down (a capacity never looks larger than it is).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "finite, positive and cut to u32::MAX first"
)]
fn tenths_floor(kg: f64) -> u32 {
    let t = (kg * 10.0 + 1e-9).floor();
    if t.is_finite() && t > 0.0 {
        t.min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}
