//! The JSON form of the model: the serde form of [`Problem`] (documented in
//! `docs/vrp-json.md`), validated so that every index the solver and the checker follow is
//! in range.

use super::{Convention, Format, Instance, IoError, MAX_LOCATIONS, MAX_VEHICLES};
use crate::vrp::{Location, Place, Problem, SkillSet};

/// Parses and validates a JSON problem.
pub(super) fn parse(name: &str, text: &str) -> Result<Instance, IoError> {
    let problem: Problem = serde_json::from_str(text)?;
    validate(&problem)?;
    Ok(Instance {
        name: name.to_string(),
        format: Format::Json,
        problem,
        convention: Convention::Model,
        sites: Vec::new(),
    })
}

/// Checks sizes, indices, windows and factors.
fn validate(p: &Problem) -> Result<(), IoError> {
    let bad = |what, index| Err(IoError::InvalidModel { what, index });
    if p.matrices.is_empty() {
        return bad("no matrix", 0);
    }
    let mut size = usize::MAX;
    for (i, m) in p.matrices.iter().enumerate() {
        if m.size > MAX_LOCATIONS {
            return Err(IoError::TooMany {
                what: "matrix size",
                count: m.size as u64,
                limit: MAX_LOCATIONS as u64,
            });
        }
        let cells = m.size * m.size;
        if m.durations.len() != cells || m.distances.len() != cells {
            return bad("matrix cell count is not size × size", i);
        }
        size = size.min(m.size);
    }
    if p.vehicles.len() as u64 > MAX_VEHICLES {
        return Err(IoError::TooMany {
            what: "vehicles",
            count: p.vehicles.len() as u64,
            limit: MAX_VEHICLES,
        });
    }
    if p.skill_names.len() > SkillSet::MAX_SKILLS {
        return bad("more than 64 skill names", p.skill_names.len());
    }
    let in_matrix = |l: Location| (l.0 as usize) < size;
    let place_ok = |pl: &Place| {
        in_matrix(pl.location)
            && pl.time_windows.iter().all(|w| w.start <= w.end)
            && pl.time_windows.windows(2).all(|w| w[0].end < w[1].start)
    };
    for (i, j) in p.jobs.iter().enumerate() {
        if !place_ok(&j.place) {
            return bad("job location outside the matrices or bad time windows", i);
        }
        if j.priority > 100 {
            return bad("job priority above 100", i);
        }
    }
    for (i, s) in p.shipments.iter().enumerate() {
        if !place_ok(&s.pickup) || !place_ok(&s.delivery) {
            return bad(
                "shipment location outside the matrices or bad time windows",
                i,
            );
        }
        if s.priority > 100 {
            return bad("shipment priority above 100", i);
        }
    }
    for (i, v) in p.vehicles.iter().enumerate() {
        if v.profile >= p.matrices.len() {
            return bad("vehicle profile has no matrix", i);
        }
        if !v.start.is_none_or(in_matrix) || !v.end.is_none_or(in_matrix) {
            return bad("vehicle start or end outside the matrices", i);
        }
        if v.shift.start > v.shift.end {
            return bad("vehicle shift ends before it starts", i);
        }
        if !(v.speed_factor.is_finite() && v.speed_factor > 0.0) {
            return bad("vehicle speed factor is not a positive number", i);
        }
        if v.breaks
            .iter()
            .any(|b| b.time_windows.iter().any(|w| w.start > w.end))
        {
            return bad("vehicle break window ends before it starts", i);
        }
    }
    Ok(())
}
