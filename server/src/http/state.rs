//! What every handler shares: the engine, the limits, the metrics and the permits for heavy
//! requests.

use std::sync::Arc;
use std::time::Duration;

use engine::dispatch::Engine;
use tokio::sync::Semaphore;

use super::metrics::Metrics;

/// Request limits. The defaults are generous: far above OSRM's (100 table locations, 500
/// route coordinates) while keeping one request within a few hundred MB.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Most coordinates of a `/route` request.
    pub max_route_coordinates: usize,
    /// Most coordinates of a `/table` request.
    pub max_table_coordinates: usize,
    /// Most cells (sources × destinations) of a `/table` answer.
    pub max_table_cells: usize,
    /// Most coordinates of a `/trip` request.
    pub max_trip_coordinates: usize,
    /// Largest `number` of a `/nearest` request.
    pub max_nearest: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest request URL (path and query), in bytes. Past 65,534 bytes hyper refuses the
    /// request line itself (answered `TooBig` by the connection guard), so a larger value has
    /// no effect.
    pub max_url_bytes: usize,
    /// Longest time a request may wait and run; past it the answer is `TooBig`.
    pub request_timeout: Duration,
    /// Longest time a client may take to send a request head, counted from the moment the
    /// server waits for it (so it also closes a keep-alive connection idle that long);
    /// past it the connection is closed.
    pub header_timeout: Duration,
    /// Most requests computing at once (each on a blocking thread); others wait their turn.
    pub max_concurrent_heavy: usize,
    /// Most `/optimize` requests solving at once; more answer 503.
    pub max_concurrent_solves: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_route_coordinates: 1_000,
            max_table_coordinates: 10_000,
            max_table_cells: 4_000_000,
            max_trip_coordinates: 1_000,
            max_nearest: 100,
            max_body_bytes: 32 << 20,
            max_url_bytes: 65_534,
            request_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(60),
            max_concurrent_heavy: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_concurrent_solves: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

impl Limits {
    /// The most coordinates any service accepts (the parser stops past it).
    #[must_use]
    pub fn max_coordinates(&self) -> usize {
        self.max_route_coordinates
            .max(self.max_table_coordinates)
            .max(self.max_trip_coordinates)
            .max(1)
    }
}

/// Shared state of the HTTP service; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The routing engine (read-only), replaceable as a whole on reload: take it once per
    /// request with [`AppState::engine`].
    pub engines: Arc<super::reload::EngineSlot>,
    /// Request limits.
    pub limits: Arc<Limits>,
    /// Request counters and latency histograms.
    pub metrics: Arc<Metrics>,
    /// Permits for heavy (CPU-bound) requests.
    pub heavy: Arc<Semaphore>,
    /// Permits for `/optimize` solves (tried, never waited for).
    pub solves: Arc<Semaphore>,
    /// The dispatch board (`/v1`), when the server runs one.
    pub board: Option<Arc<super::v1::BoardState>>,
    /// The page's folder (`server/page`, with `node_modules/` from npm), when not the
    /// default ([`super::page::default_dir`]).
    pub page_dir: Option<Arc<std::path::PathBuf>>,
}

impl AppState {
    /// State around an engine, with the given limits.
    #[must_use]
    pub fn new(engine: Arc<Engine>, limits: Limits) -> Self {
        let heavy = Arc::new(Semaphore::new(limits.max_concurrent_heavy.max(1)));
        let solves = Arc::new(Semaphore::new(limits.max_concurrent_solves.max(1)));
        Self {
            engines: Arc::new(super::reload::EngineSlot::new(engine)),
            limits: Arc::new(limits),
            metrics: Arc::new(Metrics::default()),
            heavy,
            solves,
            board: None,
            page_dir: None,
        }
    }

    /// The same state answering with the engine of `slot` (which can reload its graphs).
    #[must_use]
    pub fn with_engine_slot(mut self, slot: Arc<super::reload::EngineSlot>) -> Self {
        self.engines = slot;
        self
    }

    /// The engine now; a request keeps the one it took to its end.
    #[must_use]
    pub fn engine(&self) -> Arc<Engine> {
        self.engines.current()
    }

    /// The same state with a dispatch board (`/v1`).
    #[must_use]
    pub fn with_board(mut self, board: Arc<super::v1::BoardState>) -> Self {
        self.board = Some(board);
        self
    }

    /// The same state serving the page's libraries from `dir` (`--page-dir`).
    #[must_use]
    pub fn with_page_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.page_dir = Some(Arc::new(dir));
        self
    }
}
