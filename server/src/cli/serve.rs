//! `vmeste serve`: the HTTP server on one or more graph files.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use engine::dispatch::Engine;

use crate::http::reload::{self, EngineSlot, GraphSource};
use crate::http::v1::state::new_token;
use crate::http::v1::{BoardSettings, BoardState, BoardStore};
use crate::http::{self, AppState, Limits};
use engine::board::Role;
use engine::board::Store;

/// Arguments of `vmeste serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A graph file from `vmeste import`; repeat for more profiles (one graph per profile).
    #[arg(long = "graph", required = true)]
    pub graphs: Vec<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:5000")]
    pub listen: String,
    /// Most coordinates of a /route request.
    #[arg(long, default_value_t = Limits::default().max_route_coordinates)]
    pub max_route_coordinates: usize,
    /// Most coordinates of a /table request.
    #[arg(long, default_value_t = Limits::default().max_table_coordinates)]
    pub max_table_coordinates: usize,
    /// Most cells (sources × destinations) of a /table answer.
    #[arg(long, default_value_t = Limits::default().max_table_cells)]
    pub max_table_cells: usize,
    /// Most coordinates of a /trip request.
    #[arg(long, default_value_t = Limits::default().max_trip_coordinates)]
    pub max_trip_coordinates: usize,
    /// Largest `number` of a /nearest request.
    #[arg(long, default_value_t = Limits::default().max_nearest)]
    pub max_nearest: usize,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Longest request URL, in bytes.
    #[arg(long, default_value_t = Limits::default().max_url_bytes)]
    pub max_url_bytes: usize,
    /// Time limit per request, in seconds.
    #[arg(long, default_value_t = Limits::default().request_timeout.as_secs_f64())]
    pub timeout_s: f64,
    /// Time limit for receiving a request head (and for an idle keep-alive connection), in
    /// seconds; a slower client is disconnected.
    #[arg(long, default_value_t = Limits::default().header_timeout.as_secs_f64())]
    pub header_timeout_s: f64,
    /// Most requests computing at once (default: the number of CPUs).
    #[arg(long, default_value_t = Limits::default().max_concurrent_heavy)]
    pub max_concurrent: usize,
    /// Largest number of hub-label entries per profile (12 bytes each), built on a
    /// background thread after start-up to answer cost-only queries by label merges; a
    /// profile that needs more keeps searching its hierarchy, and 0 builds none.
    #[arg(long, default_value_t = 25_000_000)]
    pub hub_label_entries: usize,
    /// Log one JSON object per line instead of text.
    #[arg(long)]
    pub log_json: bool,
    /// Where the dispatch board (`/v1`) keeps its records: an SQLite file (created and
    /// migrated on start), `postgres://...`, or `none` for no board. Default: `dispatch.db`
    /// beside the first graph file.
    #[arg(long)]
    pub store: Option<String>,
    /// OSRM's endpoints need a valid token too (default: open).
    #[arg(long)]
    pub require_token_for_routing: bool,
    /// A file holding an admin token, registered at start (a new random token is written
    /// to it when the file does not exist): the way in to a fresh store.
    #[arg(long)]
    pub admin_token_file: Option<PathBuf>,
    /// Seed the demo board for the bundled Monaco extract when the store has no
    /// headquarters yet (`scripts/run.sh`).
    #[arg(long)]
    pub seed_demo: bool,
    /// The page's folder, whose `node_modules/` holds its JavaScript libraries (default:
    /// `VMESTE_PAGE_DIR`, else `server/page` of the source tree).
    #[arg(long)]
    pub page_dir: Option<PathBuf>,
}

impl ServeArgs {
    fn limits(&self) -> anyhow::Result<Limits> {
        anyhow::ensure!(
            self.timeout_s.is_finite() && self.timeout_s > 0.0,
            "--timeout-s must be a positive number of seconds"
        );
        anyhow::ensure!(
            self.header_timeout_s.is_finite()
                && self.header_timeout_s > 0.0
                && self.header_timeout_s <= 86_400.0,
            "--header-timeout-s must be a positive number of seconds, at most a day"
        );
        Ok(Limits {
            max_route_coordinates: self.max_route_coordinates,
            max_table_coordinates: self.max_table_coordinates,
            max_table_cells: self.max_table_cells,
            max_trip_coordinates: self.max_trip_coordinates,
            max_nearest: self.max_nearest,
            max_body_bytes: self.max_body_bytes,
            max_url_bytes: self.max_url_bytes,
            request_timeout: Duration::from_secs_f64(self.timeout_s),
            header_timeout: Duration::from_secs_f64(self.header_timeout_s),
            max_concurrent_heavy: self.max_concurrent.max(1),
            max_concurrent_solves: self.max_concurrent.max(1),
        })
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests) is harmless: keep the first subscriber.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Loads every graph file into one engine.
///
/// # Errors
/// An unreadable or corrupt file, or two files of the same profile.
pub fn load_engine(graphs: &[PathBuf]) -> anyhow::Result<Engine> {
    Ok(reload::load_graphs(graphs)?)
}

/// `dispatch.db` beside the first graph file (or in the working folder).
fn default_store(graphs: &[PathBuf]) -> String {
    let dir = graphs
        .first()
        .and_then(|g| g.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    dir.join("dispatch.db").to_string_lossy().into_owned()
}

/// A store's name for logs and errors: a PostgreSQL URL without its password.
fn store_label(target: &str) -> String {
    match (target.find("://"), target.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…{}", &target[..scheme], &target[at..])
        }
        _ => target.to_owned(),
    }
}

/// The dispatch board `--store` names, with the admin token of `--admin-token-file`.
async fn board(
    args: &ServeArgs,
    slot: &Arc<EngineSlot>,
) -> anyhow::Result<Option<Arc<BoardState>>> {
    let engine = &slot.current();
    let target = match args.store.as_deref() {
        Some("none") => return Ok(None),
        Some(s) => s.to_owned(),
        None => default_store(&args.graphs),
    };
    let store = BoardStore::open(&target)
        .await
        .with_context(|| format!("opening the board's store {}", store_label(&target)))?;
    tracing::info!(store = %store_label(&target), "board store open");
    let settings = BoardSettings {
        require_token_for_routing: args.require_token_for_routing,
    };
    let mut board = BoardState::new(store, settings);
    if engine.gazetteer().is_some() {
        board = board.with_geocoder(Arc::new(crate::http::v1::state::MapGeocoder(Arc::clone(
            slot,
        ))));
    }
    if let Some(path) = &args.admin_token_file {
        let token = if path.exists() {
            std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?
                .trim()
                .to_owned()
        } else {
            let t = new_token();
            std::fs::write(path, format!("{t}\n"))
                .with_context(|| format!("writing {}", path.display()))?;
            t
        };
        anyhow::ensure!(!token.is_empty(), "{} holds no token", path.display());
        let known = board
            .board
            .store()
            .token_by_hash(&crate::store::token_hash(&token))
            .await
            .context("looking up the admin token")?;
        if known.is_none() {
            board
                .register_token(&token, Role::Admin, Vec::new(), None, "admin-token-file")
                .await
                .context("storing the admin token")?;
        }
        tracing::info!(file = %path.display(), "admin token registered");
    }
    if args.seed_demo {
        let seeded = crate::demo::seed(&board.board, &**engine, BoardState::now())
            .await
            .context("seeding the demo board")?;
        if let Some(s) = seeded {
            tracing::info!(
                hq = s.hq,
                volunteers = s.volunteers,
                requests = s.requests,
                "demo board seeded"
            );
        }
    }
    Ok(Some(Arc::new(board)))
}

/// Reloads the graphs on every `SIGHUP` (on a blocking thread; the outcome is logged).
fn reload_on_sighup(slot: Arc<EngineSlot>) -> anyhow::Result<()> {
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .context("listening for SIGHUP")?;
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the graphs");
            let slot = Arc::clone(&slot);
            match tokio::task::spawn_blocking(move || slot.reload()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "reload refused; the old graphs keep serving")
                }
                Err(e) => tracing::error!(error = %e, "reload failed"),
            }
        }
    });
    Ok(())
}

/// Runs `vmeste serve` until Ctrl-C or SIGTERM; `SIGHUP` reloads the graphs.
///
/// # Errors
/// Bad limits, a graph that cannot be loaded, an address that cannot be bound.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_json);
    let limits = args.limits()?;
    // The spatial indexes' R-trees are built by `prepare`, while the server answers.
    let engine = Arc::new(reload::load_graphs_deferred(&args.graphs)?);
    {
        let (engine, max) = (Arc::clone(&engine), args.hub_label_entries);
        std::thread::Builder::new()
            .name("bounds-and-labels".to_owned())
            .spawn(move || reload::prepare(&engine, max))
            .context("starting the bounds-and-labels thread")?;
    }
    let slot = Arc::new(
        EngineSlot::new(Arc::clone(&engine)).with_source(GraphSource {
            graphs: args.graphs.clone(),
            hub_label_entries: args.hub_label_entries,
        }),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("binding {}", args.listen))?;
        let addr = listener.local_addr()?;
        let profiles = engine.profiles().join(", ");
        tracing::info!(%addr, profiles, "listening");
        let board = board(args, &slot).await?;
        reload_on_sighup(Arc::clone(&slot))?;
        let mut state = AppState::new(engine, limits).with_engine_slot(slot);
        if let Some(b) = &board {
            state = state.with_board(Arc::clone(b));
        }
        if let Some(dir) = &args.page_dir {
            state = state.with_page_dir(dir.clone());
        }
        let shutdown = async move {
            http::shutdown_signal().await;
            // Live event streams never end by themselves: end them, so in-flight requests
            // can finish and the server stops.
            if let Some(b) = board {
                b.close();
            }
        };
        http::serve_state(listener, state, shutdown).await?;
        tracing::info!("stopped");
        anyhow::Ok(())
    })
}
