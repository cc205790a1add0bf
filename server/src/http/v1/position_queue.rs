//! Position reports committed in batches (group commit): each `POST
//! /v1/volunteers/{id}/position` queues its report; the handler whose turn it is takes every
//! report queued (up to [`MAX_BATCH`]) and records them with
//! [`engine::board::Board::report_positions`]: one read of the volunteers, one transaction
//! (a few statements and one sync to disk for the whole batch); each waiting handler gets
//! its own answer (a 2xx only after the commit), and the live view applies the batch's
//! events before the next batch ([`super::live::Live::follow_own`]).
//!
//! The batch runs in a task of its own, so a client that hangs up while its handler holds
//! the turn does not cancel the others' writes. Batch sizes are counted for `/metrics`
//! (`vmeste_position_batches_total`, `vmeste_position_reports_total`,
//! `vmeste_position_batch_max`): counts only, nothing about who reported where.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use engine::board::{BoardError, ReportedPosition, StoreError, Volunteer};
use engine::dispatch::Engine;
use tokio::sync::oneshot;

use super::state::BoardState;

/// Most reports one batch records.
pub const MAX_BATCH: usize = 256;

type Answer = Result<Volunteer, BoardError>;

/// The queue of position reports waiting for a commit.
#[derive(Debug, Default)]
pub struct PositionQueue {
    /// Held by the handler whose batch is being recorded.
    turn: Arc<tokio::sync::Mutex<()>>,
    /// Reports waiting, with where their answers go.
    pending: std::sync::Mutex<Vec<(ReportedPosition, oneshot::Sender<Answer>)>>,
    batches: AtomicU64,
    reports: AtomicU64,
    largest: AtomicU64,
}

impl PositionQueue {
    /// Queues `report` and answers once it is recorded (or refused).
    ///
    /// # Errors
    /// As [`engine::board::Board::report_position`].
    pub async fn report(
        board: &Arc<BoardState>,
        engine: &Arc<Engine>,
        report: ReportedPosition,
    ) -> Answer {
        let queue = &board.positions;
        let (reply, mut answer) = oneshot::channel();
        queue
            .pending
            .lock()
            .map_err(|_| poisoned())?
            .push((report, reply));
        loop {
            // Answered while waiting: ours was in another handler's batch, and this handler
            // leaves the line for the turn (were it to take a turn anyway, with a batch of
            // what was queued since, there would be one batch per waiting handler, most of
            // them of one report).
            let turn = tokio::select! {
                biased;
                a = &mut answer => return a.unwrap_or_else(|_| Err(dropped())),
                t = Arc::clone(&queue.turn).lock_owned() => t,
            };
            // Whoever held the turn before answered every report of their batch before
            // letting go of it.
            match answer.try_recv() {
                Ok(a) => return a,
                Err(oneshot::error::TryRecvError::Empty) => {}
                Err(oneshot::error::TryRecvError::Closed) => return Err(dropped()),
            }
            let batch: Vec<_> = {
                let mut p = queue.pending.lock().map_err(|_| poisoned())?;
                let n = p.len().min(MAX_BATCH);
                p.drain(..n).collect()
            };
            if batch.is_empty() {
                // Not answered and not queued: cannot happen while the queue is whole.
                return Err(dropped());
            }
            let (board, engine) = (Arc::clone(board), Arc::clone(engine));
            let job = tokio::spawn(async move {
                record(&board, &engine, batch).await;
                drop(turn);
            });
            if job.await.is_err() {
                return Err(BoardError::Store(StoreError::Internal(
                    "a position batch failed".into(),
                )));
            }
            // Not answered yet: ours was queued past a full batch; wait for the next turn.
        }
    }

    /// The batch counters in Prometheus' text format.
    #[must_use]
    pub fn render_metrics(&self) -> String {
        let mut out = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP vmeste_position_batches_total Position-report batches committed.\n# TYPE vmeste_position_batches_total counter\nvmeste_position_batches_total {}",
            get(&self.batches)
        );
        let _ = writeln!(
            out,
            "# HELP vmeste_position_reports_total Position reports recorded in batches.\n# TYPE vmeste_position_reports_total counter\nvmeste_position_reports_total {}",
            get(&self.reports)
        );
        let _ = writeln!(
            out,
            "# HELP vmeste_position_batch_max Largest position-report batch.\n# TYPE vmeste_position_batch_max gauge\nvmeste_position_batch_max {}",
            get(&self.largest)
        );
        out
    }
}

/// Records one batch, catches the live view up, answers every report.
async fn record(
    board: &BoardState,
    engine: &Arc<Engine>,
    batch: Vec<(ReportedPosition, oneshot::Sender<Answer>)>,
) {
    let (reports, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    let n = reports.len() as u64;
    let batch = board
        .board
        .report_positions(BoardState::now(), reports, &**engine)
        .await;
    let answers = batch.answers;
    let queue = &board.positions;
    queue.batches.fetch_add(1, Ordering::Relaxed);
    queue.reports.fetch_add(n, Ordering::Relaxed);
    queue.largest.fetch_max(n, Ordering::Relaxed);
    for (answer, reply) in answers.into_iter().zip(replies) {
        let _ = reply.send(answer);
    }
    // Keep the live R-tree current with what was just committed (when the view is built:
    // the first question builds it), before the next batch, from the batch's own events; a
    // failure here only delays it to the next question, which catches up again.
    let _ = board
        .live
        .follow_own(board.board.store(), engine, &batch.events)
        .await;
}

fn dropped() -> BoardError {
    BoardError::Store(StoreError::Internal(
        "a position report was dropped before its answer".into(),
    ))
}

fn poisoned() -> BoardError {
    BoardError::Store(StoreError::Internal(
        "the position queue is poisoned".into(),
    ))
}
