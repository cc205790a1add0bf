//! Position reports, alone or many at once: a batch is checked against the volunteers as
//! stored (one read for the batch), and its changes go to the store together
//! ([`Store::apply_all`]: on the database stores one transaction and one sync to disk), each
//! report with its own event and its own answer.
//!
//! Each report is judged as if it came alone, in arrival order: an unknown volunteer (or
//! one the sender may not see) is [`BoardError::NotFound`], a position far from the
//! volunteer's roads [`BoardError::Invalid`], a report older than the stored position leaves
//! the volunteer unchanged. Reports for one volunteer in one batch are written one round
//! after the other, and a report that meets a concurrent change (its version moved between
//! the read and the write) is judged again on the new record: a report carries no version,
//! the latest wins.
//!
//! A batch is recorded in two halves, [`Board::prepare_positions`] (the read and the
//! judging, nothing written) and [`Board::commit_positions`] (the writes and any rounds
//! after), so that a server can read the next batch while one commits.

use std::collections::{HashMap, HashSet};

use super::access::Principal;
use serde_json::{Map, Value};

use super::commands::{Board, on_road, wrong_kind};
use super::error::{BoardError, invalid};
use super::event::Event;
use super::model::{Point, Volunteer, VolunteerStatus};
use super::roads::Roads;
use super::store::{Applied, Change, Record, Store, StoreError, Write};
use super::time::Time;

/// A position report (`POST /v1/volunteers/{id}/position`).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PositionReport {
    /// Where the volunteer is, `[lon, lat]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<f64>, min_items = 2, max_items = 2))]
    pub position: Point,
    /// When they were there; default now.
    #[serde(default)]
    pub at: Option<Time>,
    /// Their status, when it changes with the report.
    #[serde(default)]
    pub status: Option<VolunteerStatus>,
}

/// One report of a batch: who sends it, for which volunteer.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedPosition {
    /// The sender.
    pub who: Principal,
    /// The volunteer reported on.
    pub volunteer: i64,
    /// The report.
    pub report: PositionReport,
}

/// What [`Board::report_positions`] did.
#[derive(Debug)]
pub struct ReportedBatch {
    /// Each report's answer, in the order of the reports.
    pub answers: Vec<Result<Volunteer, BoardError>>,
    /// The events stored, by sequence number: what a reader of the store's events after
    /// the batch finds of it (a live view catches up from these without reading them back).
    pub events: Vec<Event>,
}

/// A batch of position reports read and judged, not yet written
/// ([`Board::prepare_positions`], then [`Board::commit_positions`]).
#[derive(Debug)]
pub struct PreparedPositions {
    now: Time,
    reports: Vec<ReportedPosition>,
    /// Each report's answer, once known.
    answers: Vec<Option<Result<Volunteer, BoardError>>>,
    /// The writes of the round to commit, each with its report's index.
    writes: Vec<(usize, Write)>,
    /// Reports for the round after (a second report of a volunteer written in this one).
    later: Vec<usize>,
}

/// How many times a report is judged again after a concurrent change to its volunteer.
const POSITION_RETRIES: u32 = 16;

/// What one report asks of the store.
enum Decision {
    /// Write this change.
    Write(Box<Change>),
    /// Nothing to write: the answer is the volunteer as stored (an older report).
    Unchanged(Box<Volunteer>),
}

impl<S: Store> Board<S> {
    /// Records a volunteer's position (and optionally status) as reported by them, by a
    /// coordinator, or by their app. `at` defaults to `now`; a report older than the stored
    /// one is ignored (the stored volunteer is returned unchanged).
    ///
    /// # Errors
    /// [`BoardError::NotFound`], [`BoardError::Denied`], [`BoardError::Invalid`] (position far
    /// from roads, time in the future), store errors; a concurrent change is retried (up to
    /// 16 times: many reports for one volunteer at once all land).
    pub async fn report_position(
        &self,
        who: &Principal,
        now: Time,
        id: i64,
        report: PositionReport,
        roads: &dyn Roads,
    ) -> Result<Volunteer, BoardError> {
        let one = ReportedPosition {
            who: who.clone(),
            volunteer: id,
            report,
        };
        self.report_positions(now, vec![one], roads)
            .await
            .answers
            .pop()
            .unwrap_or_else(|| Err(wrong_kind()))
    }

    /// Records many position reports at once (see the docs of module `board::positions`):
    /// the answers come in the order of `reports`, each what [`Board::report_position`]
    /// would have answered for it alone, with the events stored.
    pub async fn report_positions(
        &self,
        now: Time,
        reports: Vec<ReportedPosition>,
        roads: &dyn Roads,
    ) -> ReportedBatch {
        let prepared = self.prepare_positions(now, reports, roads).await;
        self.commit_positions(prepared, roads).await
    }

    /// The first half of [`Board::report_positions`]: reads the batch's volunteers and judges
    /// each report (snapped, checked, its change and event built), writing nothing. A caller
    /// may prepare the next batch while the previous one commits; whatever changes a
    /// volunteer between this read and [`Board::commit_positions`] (that batch, another
    /// writer) is met there as a version conflict and the report judged again on the new
    /// record, so what is stored is the same, only slower (the one difference: a report
    /// older than the stored position is answered with the volunteer as read here). A
    /// pipelining caller keeps the volunteers of a batch still committing out of the batch
    /// it prepares.
    pub async fn prepare_positions(
        &self,
        now: Time,
        reports: Vec<ReportedPosition>,
        roads: &dyn Roads,
    ) -> PreparedPositions {
        let mut answers: Vec<Option<Result<Volunteer, BoardError>>> =
            reports.iter().map(|_| None).collect();
        let mut open = Vec::with_capacity(reports.len());
        for (i, r) in reports.iter().enumerate() {
            if r.report.at.unwrap_or(now) > now.plus(300) {
                answers[i] = Some(Err(invalid("at", "in the future")));
            } else {
                open.push(i);
            }
        }
        let mut p = PreparedPositions {
            now,
            reports,
            answers,
            writes: Vec::new(),
            later: Vec::new(),
        };
        self.judge_positions(&mut p, open, roads).await;
        p
    }

    /// The second half of [`Board::report_positions`]: writes what `prepared` judged (one
    /// [`Store::apply_all`]), then judges again and writes, round after round, the reports
    /// left: second reports of a volunteer written in the round before, and reports that met
    /// a concurrent change (up to 16 rounds of those).
    pub async fn commit_positions(
        &self,
        mut prepared: PreparedPositions,
        roads: &dyn Roads,
    ) -> ReportedBatch {
        let mut events = Vec::new();
        let mut conflicts = 0;
        while !prepared.writes.is_empty() {
            let (written, writes): (Vec<usize>, Vec<Write>) =
                std::mem::take(&mut prepared.writes).into_iter().unzip();
            let mut next = std::mem::take(&mut prepared.later);
            let results = self.store().apply_all(writes).await;
            let mut raced = false;
            for (i, result) in written.into_iter().zip(results) {
                let answer = &mut prepared.answers[i];
                match result {
                    Ok(Applied::Stored {
                        mut records,
                        events: stored,
                    }) => {
                        events.extend(stored);
                        *answer = Some(match records.pop() {
                            Some(Record::Volunteer(v)) => Ok(v),
                            _ => Err(wrong_kind()),
                        });
                    }
                    Ok(Applied::Replayed(_)) => *answer = Some(Err(wrong_kind())),
                    Err(StoreError::VersionConflict { .. }) if conflicts < POSITION_RETRIES => {
                        raced = true;
                        next.push(i);
                    }
                    Err(e) => *answer = Some(Err(e.into())),
                }
            }
            if raced {
                conflicts += 1;
            }
            next.sort_unstable();
            self.judge_positions(&mut prepared, next, roads).await;
        }
        events.sort_by_key(|e| e.seq);
        ReportedBatch {
            answers: prepared
                .answers
                .into_iter()
                .map(|a| a.unwrap_or_else(|| Err(wrong_kind())))
                .collect(),
            events,
        }
    }

    /// Reads the volunteers of reports `open` (indexes into `p.reports`, in arrival order)
    /// and judges each: an answer now, a write for this round, or (a volunteer already
    /// written in this round) a place in the next round.
    async fn judge_positions(
        &self,
        p: &mut PreparedPositions,
        open: Vec<usize>,
        roads: &dyn Roads,
    ) {
        if open.is_empty() {
            return;
        }
        let mut ids: Vec<i64> = open.iter().map(|&i| p.reports[i].volunteer).collect();
        ids.sort_unstable();
        ids.dedup();
        let stored: HashMap<i64, Volunteer> = match self.store().volunteers_by_id(&ids).await {
            Ok(list) => list.into_iter().map(|v| (v.id, v)).collect(),
            Err(e) => {
                for i in open {
                    p.answers[i] = Some(Err(e.clone().into()));
                }
                return;
            }
        };
        let mut taken = HashSet::new();
        for i in open {
            let r = &p.reports[i];
            if taken.contains(&r.volunteer) {
                // Written in this round already: judged on the new record next round.
                p.later.push(i);
                continue;
            }
            match decide(r, stored.get(&r.volunteer), p.now, roads) {
                Err(e) => p.answers[i] = Some(Err(e)),
                Ok(Decision::Unchanged(v)) => p.answers[i] = Some(Ok(*v)),
                Ok(Decision::Write(change)) => {
                    taken.insert(r.volunteer);
                    p.writes.push((
                        i,
                        Write {
                            at: p.now,
                            actor: r.who.actor(),
                            changes: vec![*change],
                            idempotency: None,
                        },
                    ));
                }
            }
        }
    }
}

/// What report `r` asks, given the volunteer as stored.
fn decide(
    r: &ReportedPosition,
    stored: Option<&Volunteer>,
    now: Time,
    roads: &dyn Roads,
) -> Result<Decision, BoardError> {
    let old = stored
        .filter(|v| r.who.may_read_volunteer(v).is_ok())
        .ok_or(BoardError::NotFound {
            what: "volunteer",
            id: r.volunteer,
        })?;
    r.who.may_report_for(old)?;
    let p = on_road("position", roads, Some(old.mode), r.report.position)?;
    let at = r.report.at.unwrap_or(now);
    if old.position_at.is_some_and(|t| t > at) {
        return Ok(Decision::Unchanged(Box::new(old.clone())));
    }
    let mut x = old.clone();
    x.position = Some(p);
    x.position_at = Some(at);
    if let Some(s) = r.report.status {
        x.status = s;
    }
    x.updated_at = now;
    let (changes, previous) = position_diff(old, &x);
    Ok(Decision::Write(Box::new(Change {
        record: Record::Volunteer(x),
        expected_version: Some(old.version),
        action: "position".into(),
        changes,
        previous,
    })))
}

/// The event's `(changes, previous)` for a position report that took volunteer `old` to
/// `new`: what [`super::event::diff`] of the two whole volunteers gives, computed from the
/// only fields a report changes (position, its time, status) without serialising the rest.
fn position_diff(old: &Volunteer, new: &Volunteer) -> (Value, Value) {
    let mut changes = Map::new();
    let mut previous = Map::new();
    let mut put = |field: &str, after: Value, before: Value| {
        if after != before {
            changes.insert(field.to_owned(), after);
            previous.insert(field.to_owned(), before);
        }
    };
    put("position", json(&new.position), json(&old.position));
    put(
        "position_at",
        json(&new.position_at),
        json(&old.position_at),
    );
    put("status", json(&new.status), json(&old.status));
    (Value::Object(changes), Value::Object(previous))
}

/// `v` as JSON, as it is inside the whole record's JSON ([`Record::to_json`]).
fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[cfg(test)]
#[path = "positions_tests.rs"]
mod tests;
