//! Position reports committed in batches (group commit), the batches in a pipeline: each
//! `POST /v1/volunteers/{id}/position` queues its report; a handler whose turn it is takes
//! the reports queued (up to [`MAX_BATCH`]) and records them in three stages, each held by
//! one batch at a time and passed on in order:
//!
//! 1. *prepare*: read the batch's volunteers, snap and judge each report
//!    ([`engine::board::Board::prepare_positions`]);
//! 2. *commit*: one transaction for the batch, one sync to disk
//!    ([`engine::board::Board::commit_positions`]);
//! 3. *follow*: the live view applies the batch's events ([`super::live::Live::follow_own`]);
//!    then each waiting handler gets its own answer: a 2xx only once its report is durable
//!    and in the live view, so a reporter's next question ("who can go now?") sees it.
//!
//! A batch enters a stage only after the one before it has left it, so the transactions
//! (and the events' sequence numbers) and the live view's updates keep the order the
//! batches were taken in; what pipelining adds is that the next batch is read and judged
//! while this one commits, and commits while this one's events are applied. A prepared
//! batch must not judge a report on a volunteer row that the batch still committing is
//! changing: the batch taken while another is uncommitted leaves the reports of that
//! batch's volunteers queued (with every later report of theirs, so a volunteer's reports
//! stay in arrival order) for the batch after, which reads them once that one committed.
//! Any other writer's change in between is a version conflict that the commit meets and
//! judges again.
//!
//! A batch runs in a task of its own, so a client that hangs up while its handler holds
//! the turn does not cancel the others' writes. Batch sizes are counted for `/metrics`
//! (`vmeste_position_batches_total`, `vmeste_position_reports_total`,
//! `vmeste_position_batch_max`): counts only, nothing about who reported where.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use engine::board::{BoardError, ReportedPosition, StoreError, Volunteer};
use engine::dispatch::Engine;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use super::state::BoardState;

/// Most reports one batch records.
pub const MAX_BATCH: usize = 256;

type Answer = Result<Volunteer, BoardError>;
type Queued = (ReportedPosition, oneshot::Sender<Answer>);

/// The queue of position reports waiting for a commit.
#[derive(Debug, Default)]
pub struct PositionQueue {
    /// Held by the batch being taken and prepared.
    prepare: Arc<Mutex<()>>,
    /// Held by the batch being committed.
    commit: Arc<Mutex<()>>,
    /// Held by the batch whose events the live view is applying.
    follow: Arc<Mutex<()>>,
    pending: std::sync::Mutex<Pending>,
    batches: AtomicU64,
    reports: AtomicU64,
    largest: AtomicU64,
}

/// Reports waiting, and the volunteers of the batch that may still be committing.
#[derive(Debug, Default)]
struct Pending {
    /// Reports waiting, in arrival order, with where their answers go.
    queue: Vec<Queued>,
    /// Volunteers of the last batch taken, until it has committed.
    unsettled: HashSet<i64>,
    /// How many batches were taken (the last one's number).
    taken: u64,
}

impl Pending {
    /// Takes up to [`MAX_BATCH`] reports in arrival order, leaving queued those of the
    /// unsettled volunteers; the batch's volunteers become the unsettled ones. Returns the
    /// batch and its number.
    fn take(&mut self) -> (Vec<Queued>, u64) {
        let mut batch = Vec::new();
        let mut left = Vec::new();
        for q in self.queue.drain(..) {
            if batch.len() < MAX_BATCH && !self.unsettled.contains(&q.0.volunteer) {
                batch.push(q);
            } else {
                left.push(q);
            }
        }
        self.queue = left;
        if batch.is_empty() {
            return (batch, self.taken);
        }
        self.taken += 1;
        self.unsettled = batch.iter().map(|q| q.0.volunteer).collect();
        (batch, self.taken)
    }
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
        queue.lock()?.queue.push((report, reply));
        loop {
            // Answered while waiting: ours was in another handler's batch, and this handler
            // leaves the line for the turn (were it to take a turn anyway, with a batch of
            // what was queued since, there would be one batch per waiting handler, most of
            // them of one report).
            let turn = tokio::select! {
                biased;
                a = &mut answer => return a.unwrap_or_else(|_| Err(dropped())),
                t = Arc::clone(&queue.prepare).lock_owned() => t,
            };
            match answer.try_recv() {
                Ok(a) => return a,
                Err(oneshot::error::TryRecvError::Empty) => {}
                Err(oneshot::error::TryRecvError::Closed) => return Err(dropped()),
            }
            // Ours is queued, or in a batch that is committing; either way the queued
            // reports are this turn's to take.
            let Some((batch, number)) = queue.take_settled().await? else {
                // Nothing queued: ours is in a batch taken before, its answer on the way.
                continue;
            };
            let (board, engine) = (Arc::clone(board), Arc::clone(engine));
            tokio::spawn(async move { record(&board, &engine, batch, number, turn).await });
        }
    }

    /// The next batch (with its number), for the holder of the prepare turn; when every
    /// queued report is of a volunteer of the batch still committing, waits for that
    /// commit first. `None` when nothing is queued.
    async fn take_settled(&self) -> Result<Option<(Vec<Queued>, u64)>, BoardError> {
        loop {
            let (batch, number) = {
                let mut p = self.lock()?;
                if p.queue.is_empty() {
                    return Ok(None);
                }
                p.take()
            };
            if !batch.is_empty() {
                return Ok(Some((batch, number)));
            }
            // With the prepare turn held here and the commit turn taken, every batch taken
            // before has committed (or failed): none of its volunteers is unsettled.
            let committed = Arc::clone(&self.commit).lock_owned().await;
            self.lock()?.unsettled.clear();
            drop(committed);
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Pending>, BoardError> {
        self.pending.lock().map_err(|_| poisoned())
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

/// Records batch `number` through the three stages (see the [module](self) docs), holding
/// the prepare turn `turn` until the batch may commit.
async fn record(
    board: &BoardState,
    engine: &Arc<Engine>,
    batch: Vec<Queued>,
    number: u64,
    turn: OwnedMutexGuard<()>,
) {
    let queue = &board.positions;
    let (reports, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    let n = reports.len() as u64;
    let prepared = board
        .board
        .prepare_positions(BoardState::now(), reports, &**engine)
        .await;
    let committing = Arc::clone(&queue.commit).lock_owned().await;
    drop(turn);
    let batch = board.board.commit_positions(prepared, &**engine).await;
    if let Ok(mut p) = queue.pending.lock()
        && p.taken == number
    {
        p.unsettled.clear();
    }
    queue.batches.fetch_add(1, Ordering::Relaxed);
    queue.reports.fetch_add(n, Ordering::Relaxed);
    queue.largest.fetch_max(n, Ordering::Relaxed);
    let following = Arc::clone(&queue.follow).lock_owned().await;
    drop(committing);
    // Keep the live R-tree current with what was just committed (when the view is built:
    // the first question builds it), in commit order, from the batch's own events; a
    // failure here only delays it to the next question, which catches up again. The
    // answers wait for it, so that a reporter's next question sees its report.
    let _ = board
        .live
        .follow_own(board.board.store(), engine, &batch.events)
        .await;
    drop(following);
    for (answer, reply) in batch.answers.into_iter().zip(replies) {
        let _ = reply.send(answer);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use engine::board::{PositionReport, Principal, Role};

    fn queued(volunteer: i64) -> Queued {
        let report = ReportedPosition {
            who: Principal {
                token_id: 1,
                role: Role::Admin,
                hqs: vec![],
                volunteer: None,
            },
            volunteer,
            report: PositionReport {
                position: [7.42, 43.73],
                at: None,
                status: None,
            },
        };
        (report, oneshot::channel().0)
    }

    fn ids(list: &[Queued]) -> Vec<i64> {
        list.iter().map(|q| q.0.volunteer).collect()
    }

    #[test]
    fn a_batch_leaves_the_unsettled_volunteers_queued_in_arrival_order() {
        let mut p = Pending {
            queue: [1, 2, 1, 3].into_iter().map(queued).collect(),
            ..Pending::default()
        };
        let (first, n) = p.take();
        assert_eq!((ids(&first), n), (vec![1, 2, 1, 3], 1));
        p.queue = [2, 4, 1, 2, 5].into_iter().map(queued).collect();
        let (second, n) = p.take();
        assert_eq!((ids(&second), n), (vec![4, 5], 2));
        assert_eq!(ids(&p.queue), vec![2, 1, 2], "left for the batch after");
        // Everything queued is unsettled: no batch, no number spent.
        p.queue = [4, 5].into_iter().map(queued).collect();
        let (none, n) = p.take();
        assert_eq!((ids(&none), n), (vec![], 2));
        assert_eq!(ids(&p.queue), vec![4, 5]);
        p.unsettled.clear();
        let (third, n) = p.take();
        assert_eq!((ids(&third), n), (vec![4, 5], 3));
    }

    #[test]
    fn a_batch_takes_at_most_max_batch_reports() {
        let n = i64::try_from(MAX_BATCH).unwrap();
        let mut p = Pending {
            queue: (0..n + 10).map(queued).collect(),
            ..Pending::default()
        };
        let (batch, _) = p.take();
        assert_eq!(ids(&batch), (0..n).collect::<Vec<_>>());
        assert_eq!(ids(&p.queue), (n..n + 10).collect::<Vec<_>>());
    }
}
