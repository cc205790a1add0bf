//! The engine the server answers with, and its replacement without downtime.
//!
//! [`EngineSlot`] holds the current engine. A handler takes it once at the start of a
//! request ([`EngineSlot::current`]) and keeps that `Arc` to the end, so a request in flight
//! finishes on the graph it started on. [`EngineSlot::reload`] re-reads the graph files at
//! the paths the server was started with, verifies them fully (as at start-up: checksums,
//! structure, hierarchy), refuses a set of profiles other than the one being served, builds
//! the landmark bounds and hub labels, and only then swaps the new engine in; the old one is
//! freed when its last request ends. A file that fails any check leaves the old engine
//! serving. `vmeste serve` reloads on `SIGHUP` and on `POST /v1/admin/reload`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use engine::dispatch::{DispatchError, Engine};

/// Where the graphs come from, to read them again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphSource {
    /// The graph files, as given to `vmeste serve`.
    pub graphs: Vec<PathBuf>,
    /// Most hub-label entries per profile (`--hub-label-entries`; 0 builds none).
    pub hub_label_entries: usize,
}

/// Why a reload was refused; the engine being served is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The server was not started from graph files (a test's engine).
    #[error("this server was not started from graph files: nothing to reload")]
    NoSource,
    /// Another reload is running.
    #[error("a reload is running already")]
    Busy,
    /// A graph file could not be read or failed its checks.
    #[error("graph file {path} refused: {source}")]
    Load {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        source: DispatchError,
    },
    /// The files now hold other profiles than the ones being served.
    #[error("the graph files now hold the profiles [{found}] instead of [{served}]")]
    ProfilesChanged {
        /// Profiles being served.
        served: String,
        /// Profiles in the files.
        found: String,
    },
}

/// A reload that took effect.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Reloaded {
    /// The profiles now served.
    pub profiles: Vec<String>,
    /// How many times the engine was replaced since start-up (1 after the first reload).
    pub generation: u64,
    /// Time spent reading, verifying and preparing the new graphs, in seconds.
    pub seconds: f64,
}

/// The current engine, replaceable as a whole (see the [module](self) docs).
#[derive(Debug)]
pub struct EngineSlot {
    current: RwLock<Arc<Engine>>,
    source: Option<GraphSource>,
    generation: AtomicU64,
    reloading: Mutex<()>,
}

impl EngineSlot {
    /// A slot holding `engine`, with nothing to reload from.
    #[must_use]
    pub fn new(engine: Arc<Engine>) -> Self {
        Self {
            current: RwLock::new(engine),
            source: None,
            generation: AtomicU64::new(0),
            reloading: Mutex::new(()),
        }
    }

    /// The same slot, reloading from `source`.
    #[must_use]
    pub fn with_source(mut self, source: GraphSource) -> Self {
        self.source = Some(source);
        self
    }

    /// The engine now; keep the `Arc` for the whole request.
    #[must_use]
    pub fn current(&self) -> Arc<Engine> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many times the engine was replaced.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Reads the graph files again and switches to them (blocking: run it off the async
    /// runtime). One reload at a time.
    ///
    /// # Errors
    /// [`ReloadError`]; the engine being served is then unchanged.
    pub fn reload(&self) -> Result<Reloaded, ReloadError> {
        let source = self.source.as_ref().ok_or(ReloadError::NoSource)?;
        let _one = match self.reloading.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return Err(ReloadError::Busy),
        };
        let start = Instant::now();
        let fresh = load_graphs(&source.graphs)?;
        let serving = self.current();
        let (mut served, mut found) = (serving.profiles(), fresh.profiles());
        served.sort_unstable();
        found.sort_unstable();
        if served != found {
            return Err(ReloadError::ProfilesChanged {
                served: served.join(", "),
                found: found.join(", "),
            });
        }
        drop(serving);
        prepare(&fresh, source.hub_label_entries);
        let profiles = fresh.profiles().into_iter().map(str::to_owned).collect();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(fresh);
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let seconds = start.elapsed().as_secs_f64();
        tracing::info!(generation, seconds, "graphs reloaded");
        Ok(Reloaded {
            profiles,
            generation,
            seconds,
        })
    }
}

/// Loads every graph file into one engine, verifying each fully.
///
/// # Errors
/// [`ReloadError::Load`] for the first file that is unreadable or corrupt, or whose profile
/// repeats another's.
pub fn load_graphs(graphs: &[PathBuf]) -> Result<Engine, ReloadError> {
    load_into(Engine::new(), graphs)
}

/// As [`load_graphs`], verifying each file as fully, but without the R-trees of the
/// spatial indexes ([`Engine::with_deferred_spatial_indexes`]): the engine answers sooner,
/// snapping by scanning every road (same answers, slower) until [`prepare`] has built them.
///
/// # Errors
/// As [`load_graphs`].
pub fn load_graphs_deferred(graphs: &[PathBuf]) -> Result<Engine, ReloadError> {
    load_into(Engine::new().with_deferred_spatial_indexes(), graphs)
}

fn load_into(mut engine: Engine, graphs: &[PathBuf]) -> Result<Engine, ReloadError> {
    for path in graphs {
        let start = Instant::now();
        let profile = engine
            .add_graph_file(path)
            .map_err(|source| ReloadError::Load {
                path: path.clone(),
                source,
            })?;
        tracing::info!(profile, file = %path.display(), seconds = start.elapsed().as_secs_f64(), "graph loaded");
    }
    Ok(engine)
}

/// Builds the R-trees of the spatial indexes that have none yet (see
/// [`load_graphs_deferred`]), then every profile's landmark bounds (for "who can go now?")
/// and hub labels (up to `max_entries` entries per profile; 0 builds none), and logs the
/// outcome; starts building the customizable hierarchies in the background
/// ([`Engine::build_cch_in_background`]) once the trees are built.
pub fn prepare(engine: &Engine, max_entries: usize) {
    let start = Instant::now();
    if !engine.has_spatial_trees() {
        for (profile, segments) in engine.build_spatial_indexes() {
            tracing::info!(
                profile,
                segments,
                seconds = start.elapsed().as_secs_f64(),
                "spatial index ready"
            );
        }
    }
    // The customizable hierarchy (closures, `exclude=`) on threads of its own.
    engine.build_cch_in_background();
    for (profile, bytes) in engine.build_landmarks(engine::routing::landmarks::DEFAULT_COUNT) {
        tracing::info!(
            profile,
            bytes,
            seconds = start.elapsed().as_secs_f64(),
            "landmark bounds ready"
        );
    }
    if max_entries == 0 {
        return;
    }
    for (profile, outcome) in engine.build_hub_labels(max_entries) {
        match outcome {
            Ok(bytes) => tracing::info!(
                profile,
                bytes,
                seconds = start.elapsed().as_secs_f64(),
                "hub labels ready"
            ),
            Err(e) => {
                tracing::warn!(profile, error = %e, "no hub labels: cost-only queries search the hierarchy")
            }
        }
    }
}
