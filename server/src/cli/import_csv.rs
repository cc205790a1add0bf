//! `vmeste import-csv`: volunteers or requests from a spreadsheet's CSV into the board's store
//! (the columns of `GET /v1/volunteers.csv` and `GET /v1/requests.csv`), all rows or none,
//! with a report of every row's errors. The same checks as the HTTP import: positions far
//! from the roads of the given graphs are refused.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use engine::board::{Board, Imported, Principal};
use serde_json::json;

use crate::http::v1::csv::{request_rows, volunteer_rows};
use crate::http::v1::state::BoardState;
use crate::store::SqlStore;

/// Largest CSV file read, in bytes.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// What the file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CsvKind {
    /// Volunteers.
    Volunteers,
    /// Requests.
    Requests,
}

/// Arguments of `vmeste import-csv`.
#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// The board's store: an SQLite file or a `postgres://` URL.
    #[arg(long)]
    pub store: String,
    /// The headquarters every row belongs to.
    #[arg(long)]
    pub hq: i64,
    /// What the file holds.
    #[arg(long, value_enum)]
    pub kind: CsvKind,
    /// Graph files whose roads positions are checked against (at least one).
    #[arg(long = "graph", required = true)]
    pub graphs: Vec<PathBuf>,
    /// The CSV file, with a header row.
    pub file: PathBuf,
}

/// Runs `vmeste import-csv`: prints `{"imported": N, "ids": [...]}`, or the rows' errors and
/// fails with nothing stored.
///
/// # Errors
/// An unreadable or too large file, a store that cannot be opened, rows with errors.
pub fn run(args: &ImportCsvArgs) -> anyhow::Result<()> {
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_FILE_BYTES,
        "{} is {size} bytes, more than {MAX_FILE_BYTES}",
        args.file.display()
    );
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {} (UTF-8 CSV)", args.file.display()))?;
    let engine = super::serve::load_engine(&args.graphs)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let store = SqlStore::open(&args.store)
            .await
            .context("opening the board's store")?;
        let board = Board::new(store);
        let who = Principal::local_admin();
        let now = BoardState::now();
        let (errors, ids) = match args.kind {
            CsvKind::Volunteers => match volunteer_rows(args.hq, &text) {
                Err(e) => (e, Vec::new()),
                Ok(rows) => match board.import_volunteers(&who, now, rows, &engine).await? {
                    Imported::Refused(e) => (e, Vec::new()),
                    Imported::Stored(xs) => (Vec::new(), xs.iter().map(|x| x.id).collect()),
                },
            },
            CsvKind::Requests => match request_rows(args.hq, &text) {
                Err(e) => (e, Vec::new()),
                Ok(rows) => match board.import_requests(&who, now, rows, &engine).await? {
                    Imported::Refused(e) => (e, Vec::new()),
                    Imported::Stored(xs) => (Vec::new(), xs.iter().map(|x| x.id).collect()),
                },
            },
        };
        if errors.is_empty() {
            outln!("{}", json!({"imported": ids.len(), "ids": ids}));
            Ok(())
        } else {
            for e in &errors {
                eprintln!("row {}: {}: {}", e.row, e.field, e.message);
            }
            anyhow::bail!("{} errors: nothing was imported", errors.len())
        }
    })
}
