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

mod coverage;
mod error;
mod facts;
mod live;
mod rank;

pub use coverage::{CoverageCell, DEFAULT_MAX_CELLS, coverage, coverage_with_limit};
pub use error::CandidatesError;
pub use facts::{TaskFacts, VolunteerFacts};
pub use live::{DEFAULT_POSITION_RADIUS_M, LivePosition, LivePositions, Placement};
pub use rank::{Candidate, ExclusionReason, Ranking, rank};
