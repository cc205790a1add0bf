//! The ranking: rules 1–8 over the facts, then the exact road-time search per profile
//! (the rules and the algorithm are in the [`candidates`](super) module docs).

use std::collections::{BTreeMap, BinaryHeap};

use serde::{Deserialize, Serialize};

use super::ids::{IdMap, id_map};
use super::live::BriefKind;
use super::{CandidatesError, LivePositions, Placement, TaskFacts, VolunteerFacts};
use crate::dispatch::{DispatchError, Engine, PlacedPoint};
use crate::routing::Cost;
use crate::types::{LonLat, haversine_m};

/// Key of a volunteer with no route to the task.
const NO_ROUTE: u64 = u64::MAX;

/// Why a volunteer is not a candidate (the rules in the [`candidates`](crate::candidates)
/// module docs, in order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// Their status is not available (busy, off).
    NotAvailable,
    /// No shift of theirs holds the current time.
    OffShift,
    /// They lack a skill the task needs.
    MissingSkill,
    /// They cannot carry the load (kilograms or bags).
    OverCapacity,
    /// They hold as many tasks as they may.
    AtMaxTasks,
    /// The engine has no graph for their mode.
    NoGraphForMode,
    /// No live position under their mode.
    NoPosition,
    /// Their position is far from every road of their mode.
    Unsnappable,
    /// They would rank after the last candidate by travel time.
    RankedLower,
    /// No road route to the task or back.
    Unreachable,
    /// They cannot arrive by the task's hard deadline.
    LateForDeadline,
    /// They cannot go, serve and come back before their shift ends.
    ShiftEndsTooSoon,
}

impl ExclusionReason {
    /// Every reason, in rule order.
    pub const ALL: [Self; 12] = [
        Self::NotAvailable,
        Self::OffShift,
        Self::MissingSkill,
        Self::OverCapacity,
        Self::AtMaxTasks,
        Self::NoGraphForMode,
        Self::NoPosition,
        Self::Unsnappable,
        Self::RankedLower,
        Self::Unreachable,
        Self::LateForDeadline,
        Self::ShiftEndsTooSoon,
    ];

    /// The reason as it goes on the wire (snake case).
    ///
    /// # Examples
    /// ```
    /// use engine::candidates::ExclusionReason;
    /// assert_eq!(ExclusionReason::NoGraphForMode.as_str(), "no_graph_for_mode");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAvailable => "not_available",
            Self::OffShift => "off_shift",
            Self::MissingSkill => "missing_skill",
            Self::OverCapacity => "over_capacity",
            Self::AtMaxTasks => "at_max_tasks",
            Self::NoGraphForMode => "no_graph_for_mode",
            Self::NoPosition => "no_position",
            Self::Unsnappable => "unsnappable",
            Self::RankedLower => "ranked_lower",
            Self::Unreachable => "unreachable",
            Self::LateForDeadline => "late_for_deadline",
            Self::ShiftEndsTooSoon => "shift_ends_too_soon",
        }
    }
}

/// A volunteer who can go now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The volunteer.
    pub volunteer: i64,
    /// Their mode (the profile routed on).
    pub profile: String,
    /// When they would arrive, in Unix seconds (rounded up).
    pub eta_unix_s: i64,
    /// Road travel time from their position to the task, in seconds.
    pub travel_s: f64,
    /// Road distance from their position to the task, in metres.
    pub distance_m: f64,
    /// Road travel time from the task back (home, else to their position), in seconds.
    pub return_s: f64,
    /// End of the shift they are on, in Unix seconds.
    pub shift_end_unix_s: i64,
}

/// The answer of [`rank`]: the candidates, fastest first (ties by id), and why the others
/// are not.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// At most `k` candidates, by increasing travel time, then id.
    pub candidates: Vec<Candidate>,
    /// How many volunteers each reason excluded (reasons that excluded nobody are absent).
    pub excluded: BTreeMap<ExclusionReason, usize>,
    /// How many volunteers were routed to the task (a measure of the work done, not part of
    /// the answer: brute force routes every volunteer who passes rules 1–8).
    #[serde(skip)]
    pub routed: usize,
}

/// A volunteer who passed rules 1–8.
struct Eligible<'a> {
    facts: &'a VolunteerFacts,
    /// Index of their mode in the ranking's list of modes.
    mode: usize,
    shift_end: i64,
}

/// A candidate so far, ordered by (travel time, id): the heap's top is the worst.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: (u64, i64),
    go: Cost,
    back: Cost,
    shift_end: i64,
}

/// The best `k` candidates so far.
struct TopK {
    k: usize,
    heap: BinaryHeap<Entry>,
}

impl TopK {
    fn full(&self) -> bool {
        self.heap.len() >= self.k
    }

    /// The key of the worst kept candidate, when `k` are kept.
    fn cutoff(&self) -> Option<(u64, i64)> {
        if self.full() {
            self.heap.peek().map(|e| e.key)
        } else {
            None
        }
    }

    fn push(&mut self, e: Entry) {
        self.heap.push(e);
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }
}

/// The volunteers who can go to `task` now, best first, at most `k`; see the
/// [`candidates`](crate::candidates) module docs for the rules and the algorithm.
///
/// # Errors
/// [`CandidatesError::InvalidTask`] / [`CandidatesError::InvalidVolunteer`] for values out of
/// range, [`CandidatesError::DuplicateVolunteer`] for an id listed twice,
/// [`CandidatesError::GraphChanged`] when the live positions were snapped on another graph,
/// [`CandidatesError::Dispatch`] when a search exceeds the engine's bounds.
pub fn rank(
    engine: &Engine,
    live: &LivePositions,
    volunteers: &[VolunteerFacts],
    task: &TaskFacts,
    now_unix_s: i64,
    k: usize,
) -> Result<Ranking, CandidatesError> {
    task.validate()?;
    let mut out = Ranking::default();
    // Every volunteer's slot in `eligible` (NONE: excluded by rules 1–8), which also finds
    // ids listed twice.
    let mut slots: IdMap<u32> = id_map(volunteers.len());
    let mut eligible: Vec<Eligible<'_>> = Vec::new();
    // The modes seen: name, whether the engine has it, slots of its eligible volunteers,
    // its number among the live positions' profiles.
    let mut modes: Vec<(&str, bool, Vec<u32>, Option<u32>)> = Vec::new();
    let mut last = 0;
    for v in volunteers {
        v.validate()?;
        let mode = if modes.get(last).is_some_and(|m| m.0 == v.profile) {
            last
        } else if let Some(i) = modes.iter().position(|m| m.0 == v.profile) {
            i
        } else {
            modes.push((
                &v.profile,
                engine.has_profile(&v.profile),
                Vec::new(),
                live.profile_number(&v.profile),
            ));
            modes.len() - 1
        };
        last = mode;
        let (loaded, number) = (modes[mode].1, modes[mode].3);
        let slot = match screen(live, v, mode, (loaded, number), task, now_unix_s) {
            Ok(e) => {
                let slot = u32::try_from(eligible.len()).unwrap_or(NONE);
                eligible.push(e);
                modes[mode].2.push(slot);
                slot
            }
            Err(reason) => {
                *out.excluded.entry(reason).or_default() += 1;
                NONE
            }
        };
        if slots.insert(v.id, slot).is_some() {
            return Err(CandidatesError::DuplicateVolunteer { volunteer: v.id });
        }
    }
    let pools = Pools {
        eligible: &eligible,
        slots: &slots,
    };
    let eligible = eligible.len();
    let mut top = TopK {
        k,
        heap: BinaryHeap::with_capacity(k.min(eligible).saturating_add(1)),
    };
    let mut failed: Vec<((u64, i64), ExclusionReason)> = Vec::new();
    if k > 0 {
        for (mode, (profile, _, pool, _)) in modes.iter().enumerate() {
            if pool.is_empty() {
                continue;
            }
            let mut walk = Walk {
                engine,
                live,
                task,
                now_unix_s,
                profile,
                top: &mut top,
                failed: &mut failed,
                routed: 0,
            };
            walk.run(&pools, mode, pool)?;
            out.routed += walk.routed;
        }
    }
    let cutoff = top.cutoff();
    for (key, reason) in &failed {
        let reason = match cutoff {
            Some(c) if *key > c => ExclusionReason::RankedLower,
            _ => *reason,
        };
        *out.excluded.entry(reason).or_default() += 1;
    }
    let kept = top.heap.into_sorted_vec();
    let lower = eligible - kept.len() - failed.len();
    if lower > 0 {
        *out.excluded
            .entry(ExclusionReason::RankedLower)
            .or_default() += lower;
    }
    out.candidates = kept
        .into_iter()
        .map(|e| {
            let profile = pools
                .get(e.key.1)
                .map(|v| v.facts.profile.clone())
                .unwrap_or_default();
            Candidate {
                volunteer: e.key.1,
                profile,
                eta_unix_s: now_unix_s.saturating_add(ceil_s(u64::from(e.go.duration.0))),
                travel_s: e.go.duration.as_secs_f64(),
                distance_m: f64::from(e.go.distance.0),
                return_s: e.back.duration.as_secs_f64(),
                shift_end_unix_s: e.shift_end,
            }
        })
        .collect();
    Ok(out)
}

/// Slot of a volunteer excluded by rules 1–8.
const NONE: u32 = u32::MAX;

/// The volunteers who passed rules 1–8, and every volunteer's slot among them.
struct Pools<'a, 'b> {
    eligible: &'b [Eligible<'a>],
    slots: &'b IdMap<u32>,
}

impl<'a> Pools<'a, '_> {
    /// The eligible volunteer with this id.
    fn get(&self, id: i64) -> Option<&Eligible<'a>> {
        self.slots
            .get(&id)
            .and_then(|&s| self.eligible.get(s as usize))
    }
}

/// Rules 1–8 (`loaded`: the engine has the volunteer's mode, number `mode` here and
/// `number` among the live positions' profiles).
fn screen<'a>(
    live: &LivePositions,
    v: &'a VolunteerFacts,
    mode: usize,
    (loaded, number): (bool, Option<u32>),
    task: &TaskFacts,
    now_unix_s: i64,
) -> Result<Eligible<'a>, ExclusionReason> {
    use ExclusionReason as R;
    if !v.available {
        return Err(R::NotAvailable);
    }
    let shift_end = v.shift_end_at(now_unix_s).ok_or(R::OffShift)?;
    if !v.has_skills(&task.skills) {
        return Err(R::MissingSkill);
    }
    if !v.can_carry(task.load_kg, task.load_bags) {
        return Err(R::OverCapacity);
    }
    if v.active_tasks >= v.max_tasks {
        return Err(R::AtMaxTasks);
    }
    if !loaded {
        return Err(R::NoGraphForMode);
    }
    let brief = live
        .brief(v.id)
        .filter(|b| Some(b.profile) == number)
        .ok_or(R::NoPosition)?;
    match brief.kind {
        BriefKind::Placed => Ok(Eligible {
            facts: v,
            mode,
            shift_end,
        }),
        BriefKind::Unsnappable => Err(R::Unsnappable),
        // Placed when the engine had no such graph: a position on no graph.
        BriefKind::NoGraph => Err(R::NoPosition),
    }
}

/// Whole seconds from deciseconds, rounded up.
fn ceil_s(ds: u64) -> i64 {
    i64::try_from(ds.div_ceil(10)).unwrap_or(i64::MAX)
}

/// The search over one profile's eligible volunteers.
struct Walk<'a, 'b> {
    engine: &'a Engine,
    live: &'a LivePositions,
    task: &'a TaskFacts,
    now_unix_s: i64,
    profile: &'a str,
    top: &'b mut TopK,
    failed: &'b mut Vec<((u64, i64), ExclusionReason)>,
    routed: usize,
}

impl Walk<'_, '_> {
    /// Visits the eligible volunteers of mode number `mode` (at `pool`'s slots).
    fn run(
        &mut self,
        pools: &Pools<'_, '_>,
        mode: usize,
        pool: &[u32],
    ) -> Result<(), CandidatesError> {
        self.live.check_graph(self.engine, self.profile)?;
        let Some(target) = self.place(self.task.location)? else {
            // The task is far from every road of this mode: no one of it can get there.
            for &slot in pool {
                let id = pools.eligible[slot as usize].facts.id;
                self.failed
                    .push(((NO_ROUTE, id), ExclusionReason::Unreachable));
            }
            return Ok(());
        };
        let to = target.hint.location;
        let speed = self.live.speed_bound(self.profile);
        let bound_ds =
            |at: LonLat| speed.map_or(0.0, |b| b.min_travel_s(haversine_m(at, to)) * 10.0);
        // Landmark bounds, when built: far tighter than the straight line, but not monotone
        // along the tree's walk, so they rule volunteers out one by one.
        let landmarks = self.engine.lower_bounds(self.profile);
        let alt_ds = |p: &PlacedPoint| landmarks.map_or(0, |l| u64::from(l.between(p, &target).0));
        // The tree's walk visits its every volunteer; when few of them are eligible, sorting
        // the eligible ones by their bound visits fewer.
        // Volunteers in visiting order; the sorted order also carries each one's placed point
        // and the larger of its two bounds, in deciseconds.
        type Known = Option<(PlacedPoint, f64)>;
        let order: Box<dyn Iterator<Item = (i64, Known)> + '_> =
            if pool.len().saturating_mul(4) >= self.live.tree_len(self.profile) {
                Box::new(self.live.nearest(self.profile, to).map(|id| (id, None)))
            } else {
                let mut by_bound: Vec<(f64, i64, PlacedPoint)> = pool
                    .iter()
                    .filter_map(|&slot| {
                        let id = pools.eligible[slot as usize].facts.id;
                        let placed = self.placed(id)?;
                        #[expect(clippy::cast_precision_loss, reason = "exact below 2^53")]
                        let alt = alt_ds(&placed) as f64;
                        Some((bound_ds(placed.hint.location).max(alt), id, placed))
                    })
                    .collect();
                by_bound.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                Box::new(by_bound.into_iter().map(|(b, id, p)| (id, Some((p, b)))))
            };
        for (id, known) in order {
            let Some(e) = pools.get(id).filter(|e| e.mode == mode) else {
                continue;
            };
            // Screened as placed, so always there: the full record is read only now, for
            // the volunteers the walk reaches.
            let (placed, sorted_bound) = match known {
                Some((p, b)) => (p, Some(b)),
                None => match self.placed(id) {
                    Some(p) => (p, None),
                    None => continue,
                },
            };
            if let Some((worst, _)) = self.top.cutoff() {
                // Lossless: road times in deciseconds are far below 2^53.
                #[expect(clippy::cast_precision_loss, reason = "exact below 2^53")]
                let worst_f = worst as f64;
                match sorted_bound {
                    // Sorted by the larger bound: every later volunteer is past it too.
                    Some(b) if b > worst_f => break,
                    Some(_) => {}
                    None if bound_ds(placed.hint.location) > worst_f => break,
                    // Ranked lower: even its fastest route is slower.
                    None if alt_ds(&placed) > worst => continue,
                    None => {}
                }
            }
            self.visit(id, e, placed, target)?;
        }
        Ok(())
    }

    /// Routes one volunteer to the task and applies the road rules.
    fn visit(
        &mut self,
        id: i64,
        e: &Eligible<'_>,
        placed: PlacedPoint,
        target: PlacedPoint,
    ) -> Result<(), CandidatesError> {
        use ExclusionReason as R;
        self.routed += 1;
        let Some(go) = self.cost(placed, target)? else {
            self.failed.push(((NO_ROUTE, id), R::Unreachable));
            return Ok(());
        };
        let go_ds = u64::from(go.duration.0);
        let key = (go_ds, id);
        if self.top.cutoff().is_some_and(|c| key > c) {
            return Ok(()); // ranked lower, whatever else holds
        }
        if let (true, Some(deadline)) = (self.task.deadline_is_hard, self.task.deadline_unix_s)
            && self.now_unix_s.saturating_add(ceil_s(go_ds)) > deadline
        {
            self.failed.push((key, R::LateForDeadline));
            return Ok(());
        }
        let home = match e.facts.home {
            Some(h) => self.place(h)?,
            None => Some(placed),
        };
        let back = match home {
            Some(h) => self.cost(target, h)?,
            None => None,
        };
        let Some(back) = back else {
            self.failed.push((key, R::Unreachable));
            return Ok(());
        };
        let total_ds = go_ds + u64::from(self.task.service_s) * 10 + u64::from(back.duration.0);
        if self.now_unix_s.saturating_add(ceil_s(total_ds)) > e.shift_end {
            self.failed.push((key, R::ShiftEndsTooSoon));
            return Ok(());
        }
        self.top.push(Entry {
            key,
            go,
            back,
            shift_end: e.shift_end,
        });
        Ok(())
    }

    /// A volunteer's placed position on this profile's graph.
    fn placed(&self, id: i64) -> Option<PlacedPoint> {
        match self.live.get(id)?.placement {
            Placement::Placed(p) => Some(p),
            Placement::Unsnappable | Placement::NoGraph => None,
        }
    }

    fn cost(&self, from: PlacedPoint, to: PlacedPoint) -> Result<Option<Cost>, CandidatesError> {
        let costs = self.engine.placed_costs(self.profile, &[from], &[to])?;
        Ok(costs.first().copied().flatten())
    }

    /// A position placed on this profile's graph; `None` when it is far from every road.
    fn place(&self, at: LonLat) -> Result<Option<PlacedPoint>, CandidatesError> {
        match self.engine.place(self.profile, self.live.location(at)) {
            Ok(p) => Ok(Some(p)),
            Err(DispatchError::NoSegment { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
