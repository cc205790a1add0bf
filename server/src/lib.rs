//! vmeste's command-line tool and HTTP server, on top of the `engine` crate.

pub mod cli;
pub mod http;
pub mod store;
