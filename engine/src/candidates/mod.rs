//! "Who can go now?": live volunteer positions, candidate ranking by exact road time, and
//! coverage on an H3 grid, for the dispatch board.
//!
//! - [`LivePositions`]: each volunteer's last reported position, snapped onto their mode's
//!   road graph when reported, in one R-tree per profile (`live`).
//! - [`rank`]: the volunteers who can take a task now, fastest by road first, and why each
//!   other volunteer cannot ([`Ranking`], [`ExclusionReason`]); exact, pruned by a
//!   great-circle lower bound (`rank`).
//! - [`coverage`]: requests and volunteers counted per H3 cell (`coverage`).
//!
//! The inputs are this module's own plain types ([`VolunteerFacts`], [`TaskFacts`]): the
//! board's data model converts to them. Time is passed in (`now_unix_s`), never read.
//!
//! # Rules, in order
//! Each volunteer passed in is either a candidate or excluded with exactly one
//! [`ExclusionReason`]: the first of these that fails.
//! 1. `not_available`: their status is not available;
//! 2. `off_shift`: no shift holds `now`;
//! 3. `missing_skill`: a skill the task needs is missing;
//! 4. `over_capacity`: the load is heavier, or has more bags, than they carry;
//! 5. `at_max_tasks`: they hold their maximum of tasks;
//! 6. `no_graph_for_mode`: the engine has no graph for their mode;
//! 7. `no_position`: no live position under their mode;
//! 8. `unsnappable`: their position is far from every road of their mode;
//! 9. `ranked_lower`: they would rank after the `k`-th candidate by (travel time, id),
//!    whatever else holds (a volunteer with no route to the task counts as infinitely far);
//!    with `k = 0`, everyone who passed the rules above;
//! 10. `unreachable`: no road route to the task, or back (to their home, else to where they
//!     are now; a home far from every road of their mode has no route back);
//! 11. `late_for_deadline`: a hard deadline they cannot arrive by;
//! 12. `shift_ends_too_soon`: they cannot get there, serve and come back before their shift
//!     ends.
//!
//! Rule 9 comes before the road rules so that the answer is fixed by the data alone, not by
//! how far the search looked: a volunteer proved slower than the `k`-th candidate need not
//! be routed back, nor have a deadline checked.
//!
//! # Algorithm
//! Rules 1–8 are a pass over the facts. Then, per profile, the eligible volunteers are
//! visited by increasing great-circle distance from the task (the live R-tree's
//! nearest-neighbour walk; a sort when few of the tree's volunteers are eligible), and each is
//! routed to the task exactly ([`Engine::placed_costs`](crate::dispatch::Engine::placed_costs): hub labels or the hierarchy, from
//! the position snapped when it was reported). The walk stops when the next volunteer's
//! lower bound, from the great-circle distance and the graph's speed bound
//! ([`Engine::speed_bound`](crate::dispatch::Engine::speed_bound)), exceeds the travel time
//! of the `k`-th candidate so far: every later one is slower. The return leg is routed only
//! for volunteers who would enter the top `k`. The answer equals brute force
//! (every eligible volunteer routed); no straight-line figure ever enters it.
//!
//! Times: `travel_s` and `return_s` are the road times in seconds (whole deciseconds);
//! arrival and return are rounded up to whole Unix seconds.

mod coverage;
mod error;
mod facts;
mod ids;
mod live;
mod rank;

pub use coverage::{CoverageCell, DEFAULT_MAX_CELLS, coverage, coverage_with_limit};
pub use error::CandidatesError;
pub use facts::{TaskFacts, VolunteerFacts};
pub use live::{DEFAULT_POSITION_RADIUS_M, LivePosition, LivePositions, Placement};
pub use rank::{Candidate, ExclusionReason, Ranking, rank};
