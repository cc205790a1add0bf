//! Validation of a [`Problem`] before solving: shapes, ranges and orderings.

use super::{Load, Place, Problem, SkillSet, SolveError, TimeWindow};

fn check_windows(windows: &[TimeWindow], owner: impl Fn() -> String) -> Result<(), SolveError> {
    for w in windows {
        if w.start > w.end {
            return Err(SolveError::InvertedWindow {
                owner: owner(),
                start: w.start,
                end: w.end,
            });
        }
    }
    if windows.windows(2).any(|p| p[0].end >= p[1].start) {
        return Err(SolveError::UnsortedWindows(owner()));
    }
    Ok(())
}

fn check_amount(load: Load, owner: impl Fn() -> String) -> Result<(), SolveError> {
    if load.is_non_negative() {
        Ok(())
    } else {
        Err(SolveError::NegativeAmount(owner()))
    }
}

fn check_priority(priority: u8, owner: impl Fn() -> String) -> Result<(), SolveError> {
    if priority <= 100 {
        Ok(())
    } else {
        Err(SolveError::Priority {
            owner: owner(),
            priority,
        })
    }
}

impl Problem {
    /// Checks that the problem is well formed: every vehicle's profile has a `size × size`
    /// matrix, every location is inside every matrix, windows are ordered (`start <= end`,
    /// sorted, disjoint), amounts, capacities and costs are non-negative, priorities are at
    /// most 100, speed factors are positive and finite, at most 64 skill names; custom costs
    /// are `size × size`.
    ///
    /// # Errors
    /// The first [`SolveError`] found.
    pub fn validate(&self) -> Result<(), SolveError> {
        if self.skill_names.len() > SkillSet::MAX_SKILLS {
            return Err(SolveError::TooManySkills(self.skill_names.len()));
        }
        let stops = self.jobs.len() + 2 * self.shipments.len();
        if u32::try_from(stops).is_err() || u32::try_from(self.vehicles.len()).is_err() {
            return Err(SolveError::TooLarge(stops));
        }
        for (profile, m) in self.matrices.iter().enumerate() {
            let cells = m.size.checked_mul(m.size);
            if cells != Some(m.durations.len()) || cells != Some(m.distances.len()) {
                return Err(SolveError::MatrixShape {
                    profile,
                    size: m.size,
                    durations: m.durations.len(),
                    distances: m.distances.len(),
                });
            }
            if let Some(c) = &m.costs
                && cells != Some(c.len())
            {
                return Err(SolveError::CostShape {
                    profile,
                    size: m.size,
                    costs: c.len(),
                });
            }
            if u32::try_from(m.size).is_err() {
                return Err(SolveError::TooLarge(m.size));
            }
        }
        let check_location = |location: super::Location| -> Result<(), SolveError> {
            for (profile, m) in self.matrices.iter().enumerate() {
                if location.0 as usize >= m.size {
                    return Err(SolveError::LocationOutOfRange {
                        location: location.0,
                        profile,
                        size: m.size,
                    });
                }
            }
            Ok(())
        };
        let check_place = |place: &Place, owner: &dyn Fn() -> String| -> Result<(), SolveError> {
            check_location(place.location)?;
            check_windows(&place.time_windows, owner)
        };
        for (i, job) in self.jobs.iter().enumerate() {
            let owner = || format!("job {i}");
            check_place(&job.place, &owner)?;
            check_amount(job.delivery, owner)?;
            check_amount(job.pickup, owner)?;
            check_priority(job.priority, owner)?;
        }
        for (i, s) in self.shipments.iter().enumerate() {
            let owner = || format!("shipment {i}");
            check_place(&s.pickup, &owner)?;
            check_place(&s.delivery, &owner)?;
            check_amount(s.amount, owner)?;
            check_priority(s.priority, owner)?;
        }
        for (i, v) in self.vehicles.iter().enumerate() {
            if v.profile >= self.matrices.len() {
                return Err(SolveError::ProfileOutOfRange {
                    vehicle: i,
                    profile: v.profile,
                    matrices: self.matrices.len(),
                });
            }
            for loc in [v.start, v.end].into_iter().flatten() {
                check_location(loc)?;
            }
            check_windows(&[v.shift], || format!("vehicle {i} shift"))?;
            check_amount(v.capacity, || format!("vehicle {i}"))?;
            if !(v.speed_factor.is_finite() && v.speed_factor > 0.0) {
                return Err(SolveError::SpeedFactor {
                    vehicle: i,
                    factor: v.speed_factor,
                });
            }
            if v.costs.fixed < 0 || v.costs.per_hour < 0 || v.costs.per_km < 0 {
                return Err(SolveError::NegativeCost { vehicle: i });
            }
            for (b, br) in v.breaks.iter().enumerate() {
                check_windows(&br.time_windows, || format!("vehicle {i} break {b}"))?;
            }
        }
        Ok(())
    }
}
