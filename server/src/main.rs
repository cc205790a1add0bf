//! The `vmeste` command-line tool.

fn main() -> std::process::ExitCode {
    server::cli::main()
}
