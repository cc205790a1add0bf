//! What the ranking needs to know about volunteers and the task: plain values that the
//! board's data model converts to, validated here.

use super::CandidatesError;
use crate::types::LonLat;

/// What the ranking needs to know about one volunteer.
#[derive(Clone, Debug, PartialEq)]
pub struct VolunteerFacts {
    /// The volunteer (the id their positions are reported under).
    pub id: i64,
    /// Their mode: the engine profile they travel on (`"foot"`, `"bicycle"`, `"car"`).
    pub profile: String,
    /// `true` when their status is available (not busy, not off).
    pub available: bool,
    /// Their skills (the order does not matter).
    pub skills: Vec<String>,
    /// How much they can carry, in kilograms.
    pub capacity_kg: f64,
    /// How many bags they can carry.
    pub capacity_bags: u32,
    /// Their shifts, as half-open `[start, end)` intervals of Unix seconds; empty or
    /// reversed intervals are ignored.
    pub shifts: Vec<(i64, i64)>,
    /// Tasks they hold now.
    pub active_tasks: u32,
    /// Most tasks they may hold at once.
    pub max_tasks: u32,
    /// Where they go back to after a task; `None`: back to where they are now.
    pub home: Option<LonLat>,
}

/// What the ranking needs to know about the task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskFacts {
    /// Where the volunteer must go.
    pub location: LonLat,
    /// Time spent there, in seconds.
    pub service_s: u32,
    /// What must be carried, in kilograms (finite, non-negative).
    pub load_kg: f64,
    /// How many bags must be carried.
    pub load_bags: u32,
    /// Skills the volunteer must have (every one).
    pub skills: Vec<String>,
    /// When the volunteer should be there, in Unix seconds.
    pub deadline_unix_s: Option<i64>,
    /// `true` (urgent requests): a volunteer who cannot arrive by the deadline is excluded.
    pub deadline_is_hard: bool,
}

impl TaskFacts {
    /// Checks the task's values.
    ///
    /// # Errors
    /// [`CandidatesError::InvalidTask`] for an invalid location or a load that is NaN,
    /// infinite or negative.
    pub fn validate(&self) -> Result<(), CandidatesError> {
        let bad = |reason: String| Err(CandidatesError::InvalidTask { reason });
        if !self.location.is_valid() {
            return bad(format!(
                "location ({}, {}) is not a valid WGS84 position",
                self.location.lon, self.location.lat
            ));
        }
        if !(self.load_kg.is_finite() && self.load_kg >= 0.0) {
            return bad(format!(
                "load {} kg is not a finite, non-negative number",
                self.load_kg
            ));
        }
        Ok(())
    }
}

impl VolunteerFacts {
    /// Checks the values the ranking cannot read a meaning into (a home that is no
    /// position). A NaN or negative capacity is no error: it carries nothing.
    ///
    /// # Errors
    /// [`CandidatesError::InvalidVolunteer`] for an invalid home position.
    pub fn validate(&self) -> Result<(), CandidatesError> {
        match self.home {
            Some(h) if !h.is_valid() => Err(CandidatesError::InvalidVolunteer {
                volunteer: self.id,
                reason: format!("home ({}, {}) is not a valid WGS84 position", h.lon, h.lat),
            }),
            _ => Ok(()),
        }
    }

    /// The end of the shift that holds `now_unix_s` (the latest one when shifts overlap).
    #[must_use]
    pub fn shift_end_at(&self, now_unix_s: i64) -> Option<i64> {
        self.shifts
            .iter()
            .filter(|&&(start, end)| start <= now_unix_s && now_unix_s < end)
            .map(|&(_, end)| end)
            .max()
    }

    /// `true` when the volunteer has every skill the task asks for.
    #[must_use]
    pub fn has_skills(&self, required: &[String]) -> bool {
        required.iter().all(|s| self.skills.contains(s))
    }

    /// `true` when the volunteer can carry the load.
    #[must_use]
    pub fn can_carry(&self, load_kg: f64, load_bags: u32) -> bool {
        self.capacity_kg >= load_kg && self.capacity_bags >= load_bags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volunteer() -> VolunteerFacts {
        VolunteerFacts {
            id: 1,
            profile: "foot".into(),
            available: true,
            skills: vec!["car_seat".into(), "medicines".into()],
            capacity_kg: 10.0,
            capacity_bags: 2,
            shifts: vec![(100, 200), (150, 300), (50, 40)],
            active_tasks: 0,
            max_tasks: 1,
            home: None,
        }
    }

    #[test]
    fn the_latest_shift_holding_now_counts_and_ends_are_open() {
        let v = volunteer();
        assert_eq!(v.shift_end_at(99), None);
        assert_eq!(v.shift_end_at(100), Some(200));
        assert_eq!(v.shift_end_at(160), Some(300));
        assert_eq!(v.shift_end_at(300), None);
        assert_eq!(v.shift_end_at(45), None, "a reversed shift holds nothing");
    }

    #[test]
    fn skills_and_capacity() {
        let v = volunteer();
        assert!(v.has_skills(&[]));
        assert!(v.has_skills(&["medicines".into(), "car_seat".into()]));
        assert!(!v.has_skills(&["keys".into()]));
        assert!(v.can_carry(10.0, 2));
        assert!(!v.can_carry(10.5, 2));
        assert!(!v.can_carry(1.0, 3));
        let nan = VolunteerFacts {
            capacity_kg: f64::NAN,
            ..volunteer()
        };
        assert!(!nan.can_carry(0.0, 0));
    }

    #[test]
    fn invalid_values_are_errors() {
        let home = VolunteerFacts {
            home: Some(LonLat::new(f64::NAN, 0.0)),
            ..volunteer()
        };
        assert!(home.validate().is_err());
        assert!(volunteer().validate().is_ok());
        let task = TaskFacts {
            location: LonLat::new(7.42, 43.73),
            service_s: 0,
            load_kg: 0.0,
            load_bags: 0,
            skills: vec![],
            deadline_unix_s: None,
            deadline_is_hard: false,
        };
        assert!(task.validate().is_ok());
        for bad in [
            TaskFacts {
                location: LonLat::new(0.0, 91.0),
                ..task.clone()
            },
            TaskFacts {
                load_kg: f64::NAN,
                ..task.clone()
            },
            TaskFacts {
                load_kg: -1.0,
                ..task
            },
        ] {
            assert!(bad.validate().is_err());
        }
    }
}
