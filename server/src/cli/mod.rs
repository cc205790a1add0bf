//! The `vmeste` command line: argument parsing and the subcommands.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// `print!` for a command's output on standard output: when the reader has gone
/// (`vmeste solve … | head`), the process ends quietly with status 141 (as one killed by
/// SIGPIPE) instead of panicking on the closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!($($arg)*))
    };
}

/// `println!` for a command's output (see `out!`).
macro_rules! outln {
    () => {
        $crate::cli::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub mod bench;
pub mod bench_candidates;
pub mod bench_cch;
pub mod bench_closures;
pub mod bench_closures_http;
pub mod bench_dispatch;
pub mod bench_isochrone;
pub mod bench_optimize;
pub mod bench_ortec;
pub mod bench_routing;
pub mod bench_store;
pub mod bench_tiles;
pub mod bench_trips;
pub mod bench_vrp;
pub mod geocode;
pub mod import;
pub mod import_csv;
pub mod info;
pub mod isochrone;
pub mod plan_trip;
pub mod reach;
pub mod route;
pub mod serve;
pub mod solve;
pub mod token;

/// vmeste: road routing and delivery planning for volunteer mutual aid.
#[derive(Debug, Parser)]
#[command(name = "vmeste", version, about)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import an `.osm.pbf` extract into a graph file for one profile.
    Import(import::ImportArgs),
    /// Load and verify a graph file, print its header and counts.
    Info(info::InfoArgs),
    /// Run a benchmark workload end to end.
    Bench(bench::BenchArgs),
    /// Solve one VRP instance file and print one JSON solution (a VROOM problem on road
    /// graphs with `--graph`).
    Solve(solve::SolveArgs),
    /// Serve OSRM's HTTP API on graph files until Ctrl-C or SIGTERM.
    Serve(serve::ServeArgs),
    /// Print the fastest route through points: `{"distance", "duration", "geometry"}`.
    Route(route::RouteArgs),
    /// Print the travel-time and distance matrix between the points of a CSV file.
    Table(route::TableArgs),
    /// Print the best visiting order of points, with totals.
    Trip(route::TripArgs),
    /// Import volunteers or requests from a CSV file into the board's store (all rows or none).
    ImportCsv(import_csv::ImportCsvArgs),
    /// Create, list or revoke API tokens in the board's store.
    Token(token::TokenArgs),
    /// Find an address, street or place in a graph file's gazetteer; print JSON matches.
    Geocode(geocode::GeocodeArgs),
    /// List the places (cities, villages, hamlets, ...) of a graph file's gazetteer.
    Places(geocode::PlacesArgs),
    /// Reachability report: road time from an origin to places or points, and why a point
    /// cannot be reached (CSV or GeoJSON).
    Reach(reach::ReachArgs),
    /// Print the areas reachable from a point within given times (GeoJSON).
    Isochrone(isochrone::IsochroneArgs),
    /// Plan a multi-day trip to remote settlements (nights at home, a settlement or lodging).
    PlanTrip(plan_trip::PlanTripArgs),
}

/// An engine over graph files, and the profile of the first one (the default profile of a
/// command).
///
/// # Errors
/// A file that cannot be loaded, named in the message.
pub fn engine_from_files(
    graphs: &[std::path::PathBuf],
) -> anyhow::Result<(engine::dispatch::Engine, Option<String>)> {
    use anyhow::Context as _;
    let mut engine = engine::dispatch::Engine::new();
    let mut first = None;
    for g in graphs {
        let name = engine
            .add_graph_file(g)
            .with_context(|| format!("loading {}", g.display()))?;
        first.get_or_insert(name);
    }
    Ok((engine, first))
}

/// Parses the arguments, runs the subcommand and turns an error into one line on stderr.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one parsed command line.
///
/// # Errors
/// Whatever the subcommand reports.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Import(a) => import::run(&a),
        Command::Info(a) => info::run(&a),
        Command::Bench(a) => bench::run(&a),
        Command::Solve(a) => solve::run(&a),
        Command::Serve(a) => serve::run(&a),
        Command::Route(a) => route::run_route(&a),
        Command::Table(a) => route::run_table(&a),
        Command::Trip(a) => route::run_trip(&a),
        Command::ImportCsv(a) => import_csv::run(&a),
        Command::Token(a) => token::run(&a),
        Command::Geocode(a) => geocode::run_geocode(&a),
        Command::Places(a) => geocode::run_places(&a),
        Command::Reach(a) => reach::run(&a),
        Command::Isochrone(a) => isochrone::run(&a),
        Command::PlanTrip(a) => plan_trip::run(&a),
    }
}

/// Writes a command's output to standard output: a closed pipe ends the process with status
/// 141 (128 + SIGPIPE, as the shell reports a reader that went away), any other write error
/// with status 1 and a message.
pub(crate) fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| stdout.flush());
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(141);
        }
        eprintln!("error: writing to standard output: {e}");
        std::process::exit(1);
    }
}
