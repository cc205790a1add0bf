//! The accept loop: each connection is served by hyper's HTTP/1 with a time limit on reading
//! a request head, so a client that sends its head a byte at a time (slowloris), or keeps a
//! connection idle, is disconnected after [`Limits::header_timeout`] instead of holding a
//! socket and a task for ever. `axum::serve` runs hyper without a timer, which disables that
//! limit; this loop is otherwise the same: connections through the [`GuardedListener`],
//! graceful shutdown that stops accepting and lets requests in progress finish.
//!
//! [`Limits::header_timeout`]: super::Limits::header_timeout

use std::time::Duration;

use axum::Router;
use axum::serve::Listener;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;

use super::guard::GuardedListener;

/// Serves `app` on `listener` until `shutdown` completes, then waits for the connections'
/// requests in progress.
pub(crate) async fn run(
    mut listener: GuardedListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // `accept` of axum's listeners waits out transient errors (too many open files).
        let (io, _peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            // A connection's end (closed, reset, timed out) concerns that client alone.
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
