//! [`LiveBoard`]: what "who can go now?" needs, in memory and current: the [`Roster`], each
//! volunteer's last position snapped on their mode's graph ([`LivePositions`]), and the
//! ranking's facts per headquarters, all kept up to date by applying the board's events in
//! order. The server catches it up from the store before each question, so answers never
//! read the database per volunteer and several server processes stay exact.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::candidates::{
    CandidatesError, CoverageCell, LivePositions, Ranking, TaskFacts, VolunteerFacts, coverage,
    rank,
};
use crate::dispatch::Engine;
use crate::types::LonLat;

use super::event::{EntityKind, Event};
use super::model::{Request, Volunteer, VolunteerStatus};
use super::roster::Roster;

/// The facts of one headquarters' volunteers, with each one's slot.
#[derive(Clone, Debug, Default)]
struct HqFacts {
    facts: Vec<VolunteerFacts>,
    slot: HashMap<i64, usize>,
}

impl HqFacts {
    fn put(&mut self, f: VolunteerFacts) {
        match self.slot.get(&f.id) {
            Some(&i) => self.facts[i] = f,
            None => {
                self.slot.insert(f.id, self.facts.len());
                self.facts.push(f);
            }
        }
    }

    fn remove(&mut self, id: i64) {
        if let Some(i) = self.slot.remove(&id) {
            self.facts.swap_remove(i);
            if let Some(moved) = self.facts.get(i) {
                self.slot.insert(moved.id, i);
            }
        }
    }
}

/// The board's volunteers, positions and facts, current as of [`LiveBoard::seq`].
#[derive(Debug)]
pub struct LiveBoard {
    roster: Roster,
    positions: LivePositions,
    by_hq: BTreeMap<i64, HqFacts>,
    /// Headquarters of each volunteer, to move their facts when it changes.
    hq_of: HashMap<i64, i64>,
}

/// The ranking's view of a volunteer.
fn facts(v: &Volunteer, held: u32) -> VolunteerFacts {
    VolunteerFacts {
        id: v.id,
        profile: v.mode.profile().to_owned(),
        available: v.status == VolunteerStatus::Available,
        skills: v.skills.clone(),
        capacity_kg: v.capacity_kg,
        capacity_bags: v.capacity_bags,
        shifts: v.shifts.iter().map(|w| (w.start.0, w.end.0)).collect(),
        active_tasks: held,
        max_tasks: v.max_tasks,
        home: v.home.map(|[x, y]| LonLat::new(x, y)),
    }
}

/// The ranking's view of a request; `None` for one that needs no trip.
#[must_use]
pub fn task_facts(r: &Request) -> Option<TaskFacts> {
    let [lon, lat] = r.location?;
    Some(TaskFacts {
        location: LonLat::new(lon, lat),
        service_s: r.service_min.saturating_mul(60),
        load_kg: r.load_kg,
        load_bags: r.load_bags,
        skills: r.skills.clone(),
        deadline_unix_s: Some(r.deadline.0),
        deadline_is_hard: r.urgency == super::model::Urgency::Urgent,
    })
}

impl LiveBoard {
    /// A live board from a roster snapshot (see [`Roster::from_snapshot`]), placing every
    /// volunteer's last position on their mode's graph of `engine`.
    #[must_use]
    pub fn new(engine: &Engine, roster: Roster) -> Self {
        let mut live = LiveBoard {
            roster,
            positions: LivePositions::new(engine),
            by_hq: BTreeMap::new(),
            hq_of: HashMap::new(),
        };
        let ids: Vec<i64> = live.roster.volunteers().map(|v| v.id).collect();
        for id in ids {
            live.refresh(engine, id, true);
        }
        live
    }

    /// Sequence number of the last event applied.
    #[must_use]
    pub fn seq(&self) -> i64 {
        self.roster.seq()
    }

    /// The roster.
    #[must_use]
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// The live positions.
    #[must_use]
    pub fn positions(&self) -> &LivePositions {
        &self.positions
    }

    /// Applies events in order (those not after [`LiveBoard::seq`] are skipped).
    pub fn apply(&mut self, engine: &Engine, events: &[Event]) {
        for e in events {
            if e.seq <= self.roster.seq() {
                continue;
            }
            match e.entity {
                EntityKind::Volunteer => {
                    self.roster.apply(e);
                    let moved = e.changes.get("position").is_some();
                    self.refresh(engine, e.entity_id, moved);
                }
                EntityKind::Request => {
                    let before = self.roster.holder(e.entity_id);
                    self.roster.apply(e);
                    let after = self.roster.holder(e.entity_id);
                    for v in [before, after].into_iter().flatten() {
                        self.refresh(engine, v, false);
                    }
                    // A request may name a volunteer the roster does not hold it for.
                    if let Some(v) = e.changes.get("volunteer").and_then(Value::as_i64) {
                        self.refresh(engine, v, false);
                    }
                }
                EntityKind::Hq | EntityKind::Closure => {
                    self.roster.apply(e);
                }
            }
        }
    }

    /// Recomputes volunteer `id`'s facts (and, with `moved`, their placed position).
    fn refresh(&mut self, engine: &Engine, id: i64, moved: bool) {
        let Some(v) = self.roster.volunteer(id) else {
            return;
        };
        let f = facts(v, self.roster.held(id));
        let hq = v.hq;
        if moved || self.positions.get(id).is_none() {
            match (v.position, v.position_at) {
                (Some([lon, lat]), at) => {
                    let at = at.map_or(0, |t| t.0);
                    // An invalid position cannot be stored by the board; a failure here
                    // leaves the volunteer without a position (reason `no_position`).
                    if self
                        .positions
                        .update(engine, id, v.mode.profile(), LonLat::new(lon, lat), at)
                        .is_err()
                    {
                        self.positions.remove(id);
                    }
                }
                (None, _) => {
                    self.positions.remove(id);
                }
            }
        }
        if let Some(old) = self.hq_of.insert(id, hq)
            && old != hq
            && let Some(h) = self.by_hq.get_mut(&old)
        {
            h.remove(id);
        }
        self.by_hq.entry(hq).or_default().put(f);
    }

    /// The facts of headquarters `hq`'s volunteers.
    #[must_use]
    pub fn facts_of(&self, hq: i64) -> &[VolunteerFacts] {
        self.by_hq.get(&hq).map_or(&[], |h| &h.facts)
    }

    /// Who of request `r`'s headquarters can go now, best first, at most `k`.
    ///
    /// # Errors
    /// As [`rank`]; [`CandidatesError::InvalidTask`] for a request that needs no trip.
    pub fn candidates(
        &self,
        engine: &Engine,
        r: &Request,
        now_unix_s: i64,
        k: usize,
    ) -> Result<Ranking, CandidatesError> {
        let task = task_facts(r).ok_or_else(|| CandidatesError::InvalidTask {
            reason: "the request needs no trip (no location)".into(),
        })?;
        rank(
            engine,
            &self.positions,
            self.facts_of(r.hq),
            &task,
            now_unix_s,
            k,
        )
    }

    /// Per H3 cell: `demand` (open requests' positions by urgency) and the available
    /// volunteers of the headquarters in `hqs` (all when `None`) by mode.
    ///
    /// # Errors
    /// As [`coverage`].
    pub fn coverage(
        &self,
        res: u8,
        demand: &[(LonLat, &str)],
        hqs: Option<&[i64]>,
    ) -> Result<Vec<CoverageCell>, CandidatesError> {
        let supply: Vec<(LonLat, &str)> = self
            .roster
            .volunteers()
            .filter(|v| hqs.is_none_or(|h| h.contains(&v.hq)))
            .filter(|v| v.status == VolunteerStatus::Available)
            .filter_map(|v| {
                v.position
                    .map(|[x, y]| (LonLat::new(x, y), v.mode.profile()))
            })
            .collect();
        coverage(res, demand, &supply)
    }
}
