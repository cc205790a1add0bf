//! The `vmeste` command line: argument parsing and the subcommands.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod bench;
pub mod bench_vrp;
pub mod import;
pub mod info;
pub mod solve;

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
    /// Solve one VRP instance file and print one JSON solution.
    Solve(solve::SolveArgs),
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
    }
}
