//! A board's [`PlanProblem`] solved on the road graphs through the same path as `/optimize`:
//! the problem is written as VROOM input (volunteers as vehicles on their mode's profile,
//! requests as jobs), its matrices are computed once ([`with_matrices`]), the search runs
//! within the budget and the plan passes the independent checker ([`optimize`]); routes,
//! arrivals, geometries and the reasons of unassigned requests come back from VROOM's
//! output shape.
//!
//! Fairness (see [`engine::board::plan`]): the first search caps every volunteer at their
//! fair share; when that leaves a request unassigned and some cap is below the volunteer's
//! own limit, a second search without the fair caps runs on the rest of the
//! budget, and the plan serving more priority wins (the fair one on a tie).
//!
//! Requests already held by a volunteer are fixed to them with skills: each volunteer gets a
//! distinct set of 8 out of 16 reserved skill numbers (a constant-weight code: no set
//! contains another), and a held request needs its volunteer's set.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use engine::board::plan::{Plan, PlanProblem, Reason, SolvedRoute, Unassigned};
use engine::dispatch::Engine;
use serde_json::{Value, json};

use super::{Budget, VroomError, optimize, with_matrices};

/// Reserved skill numbers that fix held requests to their volunteer.
const LOCK_BITS: u32 = 16;
/// First reserved skill number (board skills are numbered from 0).
const LOCK_BASE: u32 = 1_000_000;

/// Every 16-bit mask with 8 bits set (12,870 of them), in increasing order.
fn lock_codes() -> Vec<u32> {
    (0_u32..1 << LOCK_BITS)
        .filter(|m| m.count_ones() == LOCK_BITS / 2)
        .collect()
}

/// The skill numbers of a lock code.
fn lock_skills(code: u32) -> Vec<u32> {
    (0..LOCK_BITS)
        .filter(|b| code & (1 << b) != 0)
        .map(|b| LOCK_BASE + b)
        .collect()
}

/// The VROOM input of `p`, vehicles capped at their fair share; vehicles and jobs are
/// numbered by their index in `p`.
fn vroom_input(p: &PlanProblem) -> Result<Value, VroomError> {
    let mut names: BTreeMap<&str, u32> = BTreeMap::new();
    for s in p
        .tasks
        .iter()
        .flat_map(|t| &t.skills)
        .chain(p.fleet.iter().flat_map(|v| &v.skills))
    {
        let next = u32::try_from(names.len()).unwrap_or(u32::MAX);
        names.entry(s.as_str()).or_insert(next);
    }
    let number = |skills: &[String]| -> Vec<u32> {
        skills
            .iter()
            .filter_map(|s| names.get(s.as_str()).copied())
            .collect()
    };
    let any_held = p.tasks.iter().any(|t| t.held_by.is_some());
    let codes = if any_held { lock_codes() } else { Vec::new() };
    let mut locks: BTreeMap<i64, Vec<u32>> = BTreeMap::new();
    let mut vehicles = Vec::with_capacity(p.fleet.len());
    for (i, v) in p.fleet.iter().enumerate() {
        let mut skills = number(&v.skills);
        if any_held {
            let code = codes.get(i).copied().ok_or_else(|| {
                VroomError::input("too many volunteers to fix held requests to them")
            })?;
            let l = lock_skills(code);
            skills.extend(&l);
            locks.insert(v.volunteer, l);
        }
        vehicles.push(json!({
            "id": i,
            "profile": v.mode.profile(),
            "start": v.start,
            "end": v.end,
            "time_window": v.shift,
            "capacity": v.capacity,
            "skills": skills,
            "max_tasks": v.fair_max_tasks,
        }));
    }
    let jobs: Vec<Value> = p
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut skills = number(&t.skills);
            if let Some(l) = t.held_by.and_then(|v| locks.get(&v)) {
                skills.extend(l);
            }
            json!({
                "id": i,
                "location": t.location,
                "service": t.service_s,
                "delivery": t.load,
                "skills": skills,
                "priority": t.priority,
                "time_windows": t.windows,
            })
        })
        .collect();
    Ok(json!({"vehicles": vehicles, "jobs": jobs, "options": {"g": true}}))
}

/// Makes each volunteer's `en_route` request (the earliest ending if several) their first
/// stop: its window ends at the arrival straight from their start, on `with`'s matrices.
fn started_first(p: &PlanProblem, with: &mut Value) {
    for (i, v) in p.fleet.iter().enumerate() {
        if v.shift[0] > 0 {
            continue;
        }
        let first = p
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.started && t.held_by == Some(v.volunteer))
            .min_by_key(|(k, t)| (t.windows.last().map_or(u32::MAX, |w| w[1]), *k));
        let Some((k, t)) = first else { continue };
        let from = index(&with["vehicles"][i]["start_index"]);
        let to = index(&with["jobs"][k]["location_index"]);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let straight = with["matrices"][v.mode.profile()]["durations"][from][to]
            .as_u64()
            .and_then(|d| u32::try_from(d).ok())
            .filter(|d| *d < u32::MAX);
        let Some(d) = straight else { continue };
        let w = match t.windows.first() {
            Some(&[a, b]) => [a, a.max(b.min(d))],
            None => [0, d],
        };
        with["jobs"][k]["time_windows"] = json!([w]);
    }
}

/// Names volunteers instead of `vehicles[i]` in an error message.
fn by_volunteer(p: &PlanProblem, mut e: VroomError) -> VroomError {
    for (i, v) in p.fleet.iter().enumerate().rev() {
        e.message = e.message.replace(
            &format!("vehicles[{i}]"),
            &format!("volunteer {}", v.volunteer),
        );
    }
    e
}

/// A solved plan read back from VROOM's output, with the priority it serves.
struct Solved {
    routes: Vec<SolvedRoute>,
    unassigned: Vec<Unassigned>,
    served: u64,
}

fn index(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|n| usize::try_from(n).ok())
}

fn read(p: &PlanProblem, out: &Value) -> Result<Solved, VroomError> {
    let bad = || VroomError::internal("the solver's answer could not be read");
    let mut routes = Vec::new();
    let mut served = 0_u64;
    for r in out["routes"].as_array().ok_or_else(bad)? {
        let v = index(&r["vehicle"])
            .and_then(|i| p.fleet.get(i))
            .ok_or_else(bad)?;
        let mut steps = Vec::new();
        for s in r["steps"].as_array().ok_or_else(bad)? {
            if s["type"] != "job" {
                continue;
            }
            let t = index(&s["id"])
                .and_then(|i| p.tasks.get(i))
                .ok_or_else(bad)?;
            let arrival = s["arrival"]
                .as_u64()
                .and_then(|a| u32::try_from(a).ok())
                .ok_or_else(bad)?;
            served += u64::from(t.priority);
            steps.push((t.request, arrival));
        }
        let geometry = r["geometry"].as_str().map(str::to_owned);
        routes.push((v.volunteer, steps, geometry));
    }
    let mut unassigned = Vec::new();
    for u in out["unassigned"].as_array().ok_or_else(bad)? {
        let t = index(&u["id"])
            .and_then(|i| p.tasks.get(i))
            .ok_or_else(bad)?;
        let code = u["reason"]["code"].as_str().unwrap_or("no_room_in_plan");
        unassigned.push(Unassigned {
            request: t.request,
            reason: Reason {
                code: code.to_owned(),
                message: u["reason"]["message"].as_str().unwrap_or("").to_owned(),
            },
        });
    }
    Ok(Solved {
        routes,
        unassigned,
        served,
    })
}

/// Solves `p` on `engine`'s road graphs within `time_limit` of search (matrices on top) and
/// answers plan `id`.
///
/// # Errors
/// [`VroomError`]: input errors naming the volunteer (a start or end off their mode's
/// roads), routing errors, internal errors (the checker refused a plan).
pub fn solve_plan(
    engine: &Engine,
    p: &PlanProblem,
    id: i64,
    time_limit: Duration,
    seed: u64,
) -> Result<Plan, VroomError> {
    if p.fleet.is_empty() || p.tasks.is_empty() {
        let routes = p
            .fleet
            .iter()
            .map(|v| (v.volunteer, Vec::new(), None))
            .collect();
        let unassigned = p
            .tasks
            .iter()
            .map(|t| Unassigned {
                request: t.request,
                reason: Reason {
                    code: "no_volunteer_on_shift".into(),
                    message: "no volunteer of the plan is on shift".into(),
                },
            })
            .collect();
        return Ok(p.plan(id, routes, unassigned));
    }
    let may_refine = p.fleet.iter().any(|v| v.fair_max_tasks < v.max_tasks);
    let first_budget = if may_refine {
        time_limit / 2
    } else {
        time_limit
    };
    let input = vroom_input(p)?;
    let body = serde_json::to_vec(&input).map_err(|e| VroomError::internal(e.to_string()))?;
    // The matrices are computed once, for both searches.
    let mut with = with_matrices(Some(engine), &body).map_err(|e| by_volunteer(p, e))?;
    started_first(p, &mut with);
    let started = Instant::now();
    let run = |fair: bool, budget: Duration| -> Result<Solved, VroomError> {
        let mut problem = with.clone();
        if !fair && let Some(vs) = problem["vehicles"].as_array_mut() {
            for (v, f) in vs.iter_mut().zip(&p.fleet) {
                v["max_tasks"] = json!(f.max_tasks);
            }
        }
        let body = serde_json::to_vec(&problem).map_err(|e| VroomError::internal(e.to_string()))?;
        let b = Budget {
            default: budget,
            max: budget,
            seed,
            iterations: None,
        };
        let out = optimize(Some(engine), &body, b).map_err(|e| by_volunteer(p, e))?;
        read(p, &out)
    };
    let fair = run(true, first_budget)?;
    let best = if may_refine && !fair.unassigned.is_empty() {
        let left = time_limit.saturating_sub(started.elapsed().min(first_budget));
        let free = run(false, left.max(Duration::from_millis(100)))?;
        if free.served > fair.served {
            free
        } else {
            fair
        }
    } else {
        fair
    };
    Ok(p.plan(id, best.routes, best.unassigned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_lock_code_contains_another() {
        let all = lock_codes();
        assert_eq!(all.len(), 12_870);
        let codes = &all[..300];
        for (i, a) in codes.iter().enumerate() {
            assert_eq!(a.count_ones(), 8);
            for (j, b) in codes.iter().enumerate() {
                assert_eq!(i == j, a & b == *a, "{a:b} {b:b}");
            }
        }
    }
}
