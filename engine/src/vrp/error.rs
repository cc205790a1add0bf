//! Errors of the solver: invalid problems only. Tasks that cannot be served are not errors;
//! they come back in [`Solution::unassigned`](super::Solution::unassigned) with a reason.

/// Why a [`Problem`](super::Problem) cannot be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// A vehicle names a profile that has no matrix.
    #[error("vehicle {vehicle} uses profile {profile}, but there are {matrices} matrices")]
    ProfileOutOfRange {
        /// Index of the vehicle.
        vehicle: usize,
        /// Its profile.
        profile: usize,
        /// How many matrices the problem has.
        matrices: usize,
    },
    /// A matrix's arrays do not hold `size × size` cells.
    #[error("matrix {profile} has size {size} but {durations} durations and {distances} distances")]
    MatrixShape {
        /// Index of the matrix.
        profile: usize,
        /// Its declared size.
        size: usize,
        /// Length of its duration array.
        durations: usize,
        /// Length of its distance array.
        distances: usize,
    },
    /// A location is outside a matrix.
    #[error("location {location} is outside matrix {profile} of size {size}")]
    LocationOutOfRange {
        /// The location.
        location: u32,
        /// The matrix it must index.
        profile: usize,
        /// That matrix's size.
        size: usize,
    },
    /// More skill names than a [`SkillSet`](super::SkillSet) holds.
    #[error("{0} skill names, at most 64 are supported")]
    TooManySkills(usize),
    /// A time window (task, break or shift) starts after it ends.
    #[error("time window [{start}, {end}] of {owner} starts after it ends")]
    InvertedWindow {
        /// What owns the window (e.g. `job 3`, `vehicle 1 shift`).
        owner: String,
        /// Window start.
        start: u32,
        /// Window end.
        end: u32,
    },
    /// Time windows are not sorted and disjoint.
    #[error("time windows of {0} are not sorted and disjoint")]
    UnsortedWindows(String),
    /// A negative amount or capacity.
    #[error("{0} has a negative amount or capacity")]
    NegativeAmount(String),
    /// A priority above 100.
    #[error("{owner} has priority {priority}, above 100")]
    Priority {
        /// What owns the priority.
        owner: String,
        /// The priority.
        priority: u8,
    },
    /// A speed factor that is not a positive finite number.
    #[error("vehicle {vehicle} has speed factor {factor}, not a positive finite number")]
    SpeedFactor {
        /// Index of the vehicle.
        vehicle: usize,
        /// The factor.
        factor: f64,
    },
    /// A negative cost.
    #[error("vehicle {vehicle} has a negative cost")]
    NegativeCost {
        /// Index of the vehicle.
        vehicle: usize,
    },
    /// A matrix's costs are not `size × size`.
    #[error("matrix {profile} has size {size} but {costs} costs")]
    CostShape {
        /// Index of the matrix.
        profile: usize,
        /// Its size.
        size: usize,
        /// Number of costs given.
        costs: usize,
    },
    /// More tasks or locations than the solver indexes (`u32`).
    #[error("{0} task stops, too many")]
    TooLarge(usize),
    /// A thread count of zero.
    #[error("threads must be at least 1")]
    NoThreads,
    /// A starting route given to [`solve_from`](super::solve_from) is not a feasible route.
    #[error(transparent)]
    Initial(#[from] super::InitialError),
}
