//! Insertion and concatenation checks on a fixed plan, exposed so that benchmarks and tests can
//! compare the O(1) checks on cached route data ([`InsertionEvaluator::fast`],
//! [`InsertionEvaluator::concat_fast`], the building block of every local-search move) with a
//! naive full re-simulation of each candidate route ([`InsertionEvaluator::naive`],
//! [`InsertionEvaluator::concat_naive`]).

use super::model::Model;
use super::route::RouteState;
use super::{Problem, Solution, SolveError, StopKind};

/// The routes of a solution, preprocessed for insertion checks.
#[derive(Debug)]
pub struct InsertionEvaluator {
    model: Model,
    routes: Vec<RouteState>,
}

impl InsertionEvaluator {
    /// Prepares the routes of `solution` (breaks dropped: the solver places them itself).
    ///
    /// # Errors
    /// [`SolveError`] when the problem is malformed.
    pub fn new(problem: &Problem, solution: &Solution) -> Result<Self, SolveError> {
        problem.validate()?;
        let model = Model::new(problem);
        let nj = problem.jobs.len();
        let routes = solution
            .routes
            .iter()
            .map(|r| {
                let mut st = RouteState::new(&model, r.vehicle);
                st.nodes = r
                    .stops
                    .iter()
                    .filter_map(|s| match s.kind {
                        StopKind::Job(j) => Some(j),
                        StopKind::Pickup(i) => Some(nj + 2 * i),
                        StopKind::Delivery(i) => Some(nj + 2 * i + 1),
                        StopKind::Break(_) => None,
                    })
                    .map(|n| u32::try_from(n).expect("validated: fits u32"))
                    .collect();
                st.update(&model);
                st
            })
            .collect();
        Ok(InsertionEvaluator { model, routes })
    }

    /// Number of candidate positions (route gaps) for one stop.
    #[must_use]
    pub fn positions(&self) -> usize {
        self.routes.iter().map(|r| r.len() + 1).sum()
    }

    /// Number of routes.
    #[must_use]
    pub fn routes(&self) -> usize {
        self.routes.len()
    }

    /// Number of stops (breaks excluded) of route `r`.
    ///
    /// # Panics
    /// If `r` is out of range.
    #[must_use]
    pub fn route_len(&self, r: usize) -> usize {
        self.routes[r].len()
    }

    /// Distance and travel time of the route made of route `x`'s first `i` stops, then the
    /// stops `middle` (each `(route, index)` of an existing stop, `index` from 0), then route
    /// `y`'s stops from index `j` on (`j <= route_len(y)`), on `x`'s vehicle; `None` when it
    /// breaks a constraint. Uses the cached route data (O(|middle|)); skills are not checked.
    ///
    /// # Panics
    /// If an index is out of range.
    #[must_use]
    pub fn concat_fast(
        &self,
        x: usize,
        i: usize,
        middle: &[(usize, usize)],
        y: usize,
        j: usize,
    ) -> Option<(i64, i64)> {
        let mid = self.middle(middle);
        let mut scratch = Vec::new();
        RouteState::compose(
            &self.model,
            &self.routes[x],
            i,
            &mid,
            &self.routes[y],
            j + 1,
            &mut scratch,
        )
        .map(|s| (s.distance, s.travel_time))
    }

    /// The same as [`InsertionEvaluator::concat_fast`], by simulating the whole route.
    ///
    /// # Panics
    /// If an index is out of range.
    #[must_use]
    pub fn concat_naive(
        &self,
        x: usize,
        i: usize,
        middle: &[(usize, usize)],
        y: usize,
        j: usize,
    ) -> Option<(i64, i64)> {
        let mut seq = self.routes[x].nodes[..i].to_vec();
        seq.extend(self.middle(middle));
        seq.extend_from_slice(&self.routes[y].nodes[j..]);
        self.model
            .simulate(self.routes[x].vehicle, &seq, None)
            .map(|s| (s.distance, s.travel_time))
    }

    fn middle(&self, middle: &[(usize, usize)]) -> Vec<u32> {
        middle
            .iter()
            .map(|&(r, k)| self.routes[r].nodes[k])
            .collect()
    }

    /// Cost increase (search units) of inserting job `job` at every gap of every route, in
    /// route and gap order (`None` when infeasible), with the O(1) checks.
    ///
    /// # Panics
    /// If `job` is out of range.
    pub fn fast(&self, job: usize, out: &mut Vec<Option<i64>>) {
        out.clear();
        let node = self.model.task_node(job);
        for r in &self.routes {
            for k in 0..=r.len() {
                out.push(r.insert_delta(&self.model, node, k));
            }
        }
    }

    /// The same as [`InsertionEvaluator::fast`], by simulating every candidate route in full.
    ///
    /// # Panics
    /// If `job` is out of range.
    pub fn naive(&self, job: usize, out: &mut Vec<Option<i64>>) {
        out.clear();
        let node = self.model.task_node(job);
        let mut seq = Vec::new();
        for r in &self.routes {
            for k in 0..=r.len() {
                seq.clear();
                seq.extend_from_slice(&r.nodes[..k]);
                seq.push(node);
                seq.extend_from_slice(&r.nodes[k..]);
                let delta = self.model.simulate(r.vehicle, &seq, None).map(|s| {
                    RouteState::cost_of(&self.model, r.vehicle, s, false) - r.cost
                        + if r.is_empty() {
                            self.model.vehicles[r.vehicle].open_penalty
                        } else {
                            0
                        }
                });
                out.push(delta);
            }
        }
    }
}
