//! A profile's customizable contraction hierarchy in service: the metrics that answer
//! queries while roads are closed or classes of roads excluded, customized in the
//! background, with an exact fallback until they are ready.
//!
//! The order of the hierarchy ([`Cch`], seconds on a city) is built once per profile on a
//! thread of its own: at start-up ([`Engine::build_cch_in_background`]) or at the first
//! request that needs it. The closures in force and the metrics customized for them form
//! one immutable *state* (`Closures`), swapped atomically (`RwLock<Arc<_>>`, held only to
//! clone the `Arc`) when the closed edges change. A state holds one metric per set of
//! excluded classes asked for (the metric key is the class set and the state, that is the
//! closure-set version); a new state starts with the class sets of the last one, so they
//! are re-customized at once.
//!
//! Each query takes the state current at its start and answers from one `View`:
//! - no closure, no exclusion: the profile's contraction hierarchy and hub labels;
//! - a metric customized for the state ([`Cch::customize_closed`]): the closed edges weigh
//!   infinity, the excluded ones too; with its elimination-tree labels
//!   ([`CchMetric::with_labels`]) so that costs and small tables are lookups, as hub labels
//!   make them without closures;
//! - until the metric of closures alone is ready (the order being built, or a
//!   customization running on the background thread): [`AvoidingClosed`], exact and
//!   bounded (the full network's answer where it provably avoids the closed edges,
//!   Dijkstra without them elsewhere). A class set asked for while the order is ready but
//!   its metric is not waits for its customization (tens of milliseconds), as before
//!   closures existed; while the order is being built, it gets the fallback too.
//!
//! Every answer is the exact fastest route without the closed and excluded edges, whichever
//! view gives it; the views differ in speed only.
//!
//! [`AvoidingClosed`]: crate::routing::AvoidingClosed

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use super::{DispatchError, Engine};
use crate::graph::RoadGraph;
use crate::osm::ExcludeSet;
use crate::routing::{Cch, CchMetric, CchSpace, ClosedEdges, DEFAULT_LABEL_ENTRIES, RouteError};
use crate::types::EdgeId;

/// Something built once, or why it could not be.
type Built<T> = OnceLock<Result<Arc<T>, String>>;

/// The metric of one class set in one state, and the edges its fallback avoids.
#[derive(Debug, Default)]
struct Slot {
    metric: Built<CchMetric>,
    fallback: OnceLock<Arc<ClosedEdges>>,
}

impl Slot {
    /// The metric, customized now unless done (or being done: then waits for it).
    fn metric(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        exclude: ExcludeSet,
        closed: Option<&ClosedEdges>,
    ) -> Result<Arc<CchMetric>, String> {
        self.metric
            .get_or_init(|| {
                let excluded = |e: EdgeId| graph.edge_excluded(e, exclude);
                match closed {
                    Some(c) => cch.customize_closed(graph, excluded, c),
                    None => cch.customize(graph, excluded),
                }
                .map(|m| Arc::new(m.with_labels(cch, DEFAULT_LABEL_ENTRIES)))
                .map_err(|e| e.to_string())
            })
            .clone()
    }

    /// The edges the fallback avoids: the closed ones and those of the excluded classes.
    fn fallback(
        &self,
        graph: &RoadGraph,
        exclude: ExcludeSet,
        closed: Option<&Arc<ClosedEdges>>,
    ) -> Result<Arc<ClosedEdges>, RouteError> {
        if let Some(f) = self.fallback.get() {
            return Ok(Arc::clone(f));
        }
        let made = avoided_edges(graph, exclude, closed)?;
        Ok(Arc::clone(self.fallback.get_or_init(|| made)))
    }
}

/// The closed edges and those of the excluded classes, as one set.
fn avoided_edges(
    graph: &RoadGraph,
    exclude: ExcludeSet,
    closed: Option<&Arc<ClosedEdges>>,
) -> Result<Arc<ClosedEdges>, RouteError> {
    Ok(match closed {
        Some(c) if exclude.is_empty() => Arc::clone(c),
        _ => {
            let excluded = (0..graph.num_edges())
                .filter_map(|i| u32::try_from(i).ok().map(EdgeId))
                .filter(|&e| graph.edge_excluded(e, exclude));
            let open = closed.map(|c| c.edges().to_vec()).unwrap_or_default();
            Arc::new(ClosedEdges::new(graph, excluded.chain(open))?)
        }
    })
}

/// The closures in force for a profile and the metrics customized for them so far.
#[derive(Debug, Default)]
struct Closures {
    /// Bumped at every change of the closed edges.
    version: u64,
    closed: Option<Arc<ClosedEdges>>,
    /// The metric of the closures alone (no class excluded).
    alone: Arc<Slot>,
    /// The metrics of the class sets asked for.
    slots: Mutex<BTreeMap<ExcludeSet, Arc<Slot>>>,
    /// The closed and excluded edges of the class sets one-to-all searches asked for
    /// (searched by Dijkstra without them; no metric is customized for these).
    avoided: Mutex<BTreeMap<ExcludeSet, Arc<ClosedEdges>>>,
}

impl Closures {
    fn slot(&self, exclude: ExcludeSet) -> Arc<Slot> {
        if exclude.is_empty() {
            return Arc::clone(&self.alone);
        }
        Arc::clone(
            self.slots
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(exclude)
                .or_default(),
        )
    }

    /// The metrics this state needs: the class sets asked for, and the closures alone
    /// when there are closures.
    fn slots(&self) -> Vec<(ExcludeSet, Arc<Slot>)> {
        let alone = self
            .closed
            .is_some()
            .then(|| (ExcludeSet::EMPTY, Arc::clone(&self.alone)));
        alone
            .into_iter()
            .chain(
                self.slots
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .iter()
                    .map(|(&k, s)| (k, Arc::clone(s))),
            )
            .collect()
    }
}

/// How one query is answered (see the [module](self) docs).
#[derive(Debug)]
pub(super) enum View {
    /// The full network: hierarchy and hub labels.
    Full,
    /// A customized metric.
    Metric(Arc<Cch>, Arc<CchMetric>),
    /// The full network without these edges, exactly but more slowly.
    Fallback(Arc<ClosedEdges>),
}

/// One profile's customizable hierarchy, its metrics and the closures in force.
#[derive(Debug, Default)]
pub(super) struct Customized {
    cch: Built<Cch>,
    /// A thread building the order was started.
    building: AtomicBool,
    state: RwLock<Arc<Closures>>,
    /// One customization at a time in the background.
    customizing: Mutex<()>,
    /// Query states of the hierarchy, reused.
    spaces: Mutex<Vec<CchSpace>>,
}

impl Customized {
    fn state(&self) -> Arc<Closures> {
        Arc::clone(&self.state.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The edges closed now, if any.
    pub(super) fn closed(&self) -> Option<Arc<ClosedEdges>> {
        self.state().closed.clone()
    }

    /// The hierarchy's order, once built.
    fn ready(&self) -> Option<&Arc<Cch>> {
        self.cch.get().and_then(|r| r.as_ref().ok())
    }

    /// Builds the order now, or waits for the thread building it.
    fn build(&self, graph: &RoadGraph) -> Result<Arc<Cch>, String> {
        self.cch
            .get_or_init(|| Cch::build(graph).map(Arc::new).map_err(|e| e.to_string()))
            .clone()
    }

    /// Starts building the order on a thread of its own (once), which then customizes the
    /// metrics the closures in force lack.
    pub(super) fn start(self: &Arc<Self>, graph: &Arc<RoadGraph>) {
        if self.cch.get().is_some() || self.building.swap(true, Ordering::AcqRel) {
            return;
        }
        let (me, g) = (Arc::clone(self), Arc::clone(graph));
        let spawned = std::thread::Builder::new()
            .name(format!("cch-{}", graph.profile()))
            .spawn(move || {
                // A failure stays in `cch`: the fallback answers, exactly.
                let _ = me.build(&g);
                me.customize_pending(&g);
            });
        if spawned.is_err() {
            // No thread: the next request tries again.
            self.building.store(false, Ordering::Release);
        }
    }

    /// Customizes on a background thread the metrics the current state lacks.
    fn customize_in_background(self: &Arc<Self>, graph: &Arc<RoadGraph>) {
        let (me, g) = (Arc::clone(self), Arc::clone(graph));
        // Without a thread the fallback keeps answering until the next change.
        let _ = std::thread::Builder::new()
            .name(format!("customize-{}", graph.profile()))
            .spawn(move || me.customize_pending(&g));
    }

    /// Customizes every metric the current state lacks, one customization at a time;
    /// returns how many it made. Nothing before the order is built.
    pub(super) fn customize_pending(&self, graph: &RoadGraph) -> usize {
        let Some(cch) = self.ready() else {
            return 0;
        };
        let _one = self
            .customizing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let state = self.state();
        let mut made = 0;
        for (exclude, slot) in state.slots() {
            if slot.metric.get().is_none() {
                // A failure stays in the slot: the fallback answers, exactly.
                let _ = slot.metric(cch, graph, exclude, state.closed.as_deref());
                made += 1;
            }
        }
        made
    }

    /// Puts `closed` in force (`None`: no closure); the metrics for it are customized in
    /// the background. Returns the new state's version (unchanged when the set is).
    pub(super) fn set_closed(
        self: &Arc<Self>,
        graph: &Arc<RoadGraph>,
        closed: Option<Arc<ClosedEdges>>,
    ) -> u64 {
        let mut now = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if now.closed == closed {
            return now.version;
        }
        let slots: BTreeMap<ExcludeSet, Arc<Slot>> = now
            .slots()
            .into_iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, _)| (k, Arc::default()))
            .collect();
        let version = now.version + 1;
        let old = std::mem::replace(
            &mut *now,
            Arc::new(Closures {
                version,
                closed,
                alone: Arc::default(),
                slots: Mutex::new(slots),
                avoided: Mutex::default(),
            }),
        );
        drop(now);
        // The old metrics are freed (when no query holds them) outside the lock.
        drop(old);
        if self.ready().is_some() {
            self.customize_in_background(graph);
        } else {
            self.start(graph);
        }
        version
    }

    /// `true` when the state in force is answered by customized metrics only (or needs
    /// none: no closure and no class set asked for).
    pub(super) fn settled(&self) -> bool {
        self.state()
            .slots()
            .iter()
            .all(|(_, s)| matches!(s.metric.get(), Some(Ok(_))))
    }

    /// How a query excluding `exclude` is answered now.
    pub(super) fn view(
        self: &Arc<Self>,
        graph: &Arc<RoadGraph>,
        exclude: ExcludeSet,
    ) -> Result<View, RouteError> {
        let state = self.state();
        if exclude.is_empty() && state.closed.is_none() {
            return Ok(View::Full);
        }
        let slot = state.slot(exclude);
        match self.cch.get() {
            Some(Ok(cch)) => {
                let metric = if exclude.is_empty() {
                    // Closures alone never wait: the fallback answers until the metric
                    // is ready.
                    slot.metric.get().cloned()
                } else {
                    Some(slot.metric(cch, graph, exclude, state.closed.as_deref()))
                };
                if let Some(Ok(m)) = metric {
                    return Ok(View::Metric(Arc::clone(cch), m));
                }
            }
            Some(Err(_)) => {}
            None => self.start(graph),
        }
        Ok(View::Fallback(slot.fallback(
            graph,
            exclude,
            state.closed.as_ref(),
        )?))
    }

    /// The edges a one-to-all search excluding `exclude` must avoid now: the closed ones
    /// and those of the classes (`None`: none, the full network). Made once per state and
    /// class set.
    pub(super) fn avoided(
        &self,
        graph: &RoadGraph,
        exclude: ExcludeSet,
    ) -> Result<Option<Arc<ClosedEdges>>, RouteError> {
        let state = self.state();
        if exclude.is_empty() {
            return Ok(state.closed.clone());
        }
        let mut avoided = state.avoided.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(a) = avoided.get(&exclude) {
            return Ok(Some(Arc::clone(a)));
        }
        let made = avoided_edges(graph, exclude, state.closed.as_ref())?;
        avoided.insert(exclude, Arc::clone(&made));
        Ok(Some(made))
    }

    /// Runs `f` with a pooled query state of `cch`.
    pub(super) fn with_space<T>(&self, cch: &Cch, f: impl FnOnce(&mut CchSpace) -> T) -> T {
        let pooled = self.spaces.lock().map(|mut v| v.pop()).unwrap_or(None);
        let mut space = pooled.unwrap_or_else(|| CchSpace::new(cch));
        let out = f(&mut space);
        self.spaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(space);
        out
    }
}

impl Engine {
    /// Starts building, on one background thread per profile, the order of the
    /// customizable hierarchy that answers queries with closures or `exclude=` (seconds on
    /// a city's graph); until it is ready they get an exact but slower fallback. Returns at
    /// once; a profile whose order is built or being built is left alone.
    pub fn build_cch_in_background(&self) {
        for p in self.profiles.values() {
            p.customized.start(&p.graph);
        }
    }

    /// Builds the order of a profile's customizable hierarchy now (waiting for a background
    /// build under way) and customizes the metrics the closures in force lack; returns how
    /// many it customized.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`]; [`DispatchError::Internal`] when the hierarchy
    /// cannot be built.
    pub fn customize_now(&self, profile: &str) -> Result<usize, DispatchError> {
        let p = self.profile(profile)?;
        p.customized
            .build(&p.graph)
            .map_err(DispatchError::Internal)?;
        Ok(p.customized.customize_pending(&p.graph))
    }

    /// `true` when every query of `profile` with the closures in force (and with each set
    /// of excluded classes asked for so far) is answered by a customized metric rather
    /// than the fallback; `false` also for an unknown profile.
    #[must_use]
    pub fn is_customized(&self, profile: &str) -> bool {
        self.profiles
            .get(profile)
            .is_some_and(|p| p.customized.settled())
    }
}
