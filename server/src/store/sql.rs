//! [`Store`] for [`SqlStore`]: the transactional write and the reads, in SQL both backends
//! run unchanged.

use engine::board::{
    Applied, Event, EventQuery, Hq, IdempotencyKey, IdempotentReply, Record, Request, RequestQuery,
    Store, StoreError, Time, TokenRecord, Volunteer, VolunteerQuery, Write,
};
use engine::closures::Closure;
use serde_json::{Map, Value};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, Row, Transaction};

use std::fmt::Write as _;

use super::rows::{self, Bind};
use super::{Backend, SqlStore, store_error};

/// Any advisory-lock key, the same in every process: PostgreSQL writers queue on it.
const WRITE_LOCK_KEY: i64 = 0x766d_6573_7465;

/// A statement built with the placeholders of its backend: `?` for SQLite, `$1`, `$2`, … for
/// PostgreSQL. SQLite finds the name of a numbered parameter by walking the list of all of
/// them, and `sqlx` asks for the name of each one it binds, so `n` numbered parameters cost
/// `n²` steps to bind (a quarter of the time of a batch of 50 position reports); anonymous
/// `?` parameters have no name to look up.
pub(super) struct Sql {
    backend: Backend,
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub(super) fn new(backend: Backend, text: &str) -> Self {
        Sql {
            backend,
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Appends text.
    pub(super) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder for `b`.
    pub(super) fn param(&mut self, b: impl Into<Bind>) -> &mut Self {
        self.binds.push(b.into());
        match self.backend {
            Backend::Sqlite => self.text.push('?'),
            Backend::Postgres => {
                let _ = write!(self.text, "${}", self.binds.len());
            }
        }
        self
    }

    /// ` AND column IN ($…)`, or a condition nothing meets for an empty list.
    pub(super) fn in_list(&mut self, column: &str, values: &[i64]) -> &mut Self {
        if values.is_empty() {
            return self.push(" AND 1 = 0");
        }
        self.push(" AND ").push(column).push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.param(*v);
        }
        self.push(")")
    }

    /// ` ORDER BY column LIMIT $n`.
    fn order_limit(&mut self, column: &str, limit: usize) -> &mut Self {
        self.push(" ORDER BY ")
            .push(column)
            .push(" LIMIT ")
            .param(i64::try_from(limit).unwrap_or(i64::MAX))
    }

    /// The statement with its values bound.
    fn query(&self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        let q = sqlx::query(sqlx::AssertSqlSafe(self.text.clone()));
        self.binds.iter().cloned().fold(q, rows::bind)
    }

    pub(super) async fn fetch_all(&self, c: &mut AnyConnection) -> Result<Vec<AnyRow>, StoreError> {
        self.query().fetch_all(c).await.map_err(|e| store_error(&e))
    }

    pub(super) async fn fetch_optional(
        &self,
        c: &mut AnyConnection,
    ) -> Result<Option<AnyRow>, StoreError> {
        self.query()
            .fetch_optional(c)
            .await
            .map_err(|e| store_error(&e))
    }

    pub(super) async fn execute(&self, c: &mut AnyConnection) -> Result<u64, StoreError> {
        self.query()
            .execute(c)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| store_error(&e))
    }
}

/// How a write ends.
enum Outcome {
    /// Stored: commit.
    Commit(Applied),
    /// Nothing to store (a replay): roll back.
    Rollback(Applied),
}

#[expect(clippy::needless_pass_by_value, reason = "shaped for `map_err(db)`")]
pub(super) fn db(e: sqlx::Error) -> StoreError {
    store_error(&e)
}

impl SqlStore {
    pub(super) async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Any>, StoreError> {
        self.pool.acquire().await.map_err(db)
    }

    /// Rows of `sql` decoded by `decode`.
    pub(super) async fn read<T>(
        &self,
        sql: &Sql,
        decode: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut c = self.conn().await?;
        sql.fetch_all(&mut c).await?.iter().map(decode).collect()
    }

    /// The row of `table` with this id, decoded.
    async fn by_id<T>(
        &self,
        columns: &str,
        table: &str,
        id: i64,
        decode: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            &format!("SELECT {columns} FROM {table} WHERE id = "),
        );
        sql.param(id);
        Ok(self.read(&sql, decode).await?.into_iter().next())
    }

    /// Begins a write transaction on `c` with every other writer shut out until it ends.
    pub(super) async fn begin_write<'c>(
        &self,
        c: &'c mut AnyConnection,
    ) -> Result<Transaction<'c, Any>, StoreError> {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => c
                .begin_with(sqlx::AssertSqlSafe("BEGIN IMMEDIATE"))
                .await
                .map_err(db),
            Backend::Postgres => {
                let mut tx = c.begin().await.map_err(db)?;
                let mut lock = Sql::new(
                    self.backend,
                    "SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(",
                );
                lock.param(WRITE_LOCK_KEY).push(")) AS l");
                lock.fetch_all(&mut tx).await?;
                Ok(tx)
            }
        }
    }

    /// PostgreSQL's identifier of the open transaction (`None` on SQLite), to ask after the
    /// commit whether it really committed: a `COMMIT` sent to a transaction that an error
    /// had aborted answers without an error and rolls back.
    pub(super) async fn transaction_id(
        &self,
        tx: &mut AnyConnection,
    ) -> Result<Option<i64>, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(None),
            Backend::Postgres => {
                let row = Sql::new(self.backend, "SELECT txid_current()")
                    .fetch_all(tx)
                    .await?;
                let id = row
                    .first()
                    .map(|r| r.try_get::<i64, _>(0))
                    .transpose()
                    .map_err(db)?;
                id.map(Some)
                    .ok_or_else(|| StoreError::Internal("txid_current() gave no row".into()))
            }
        }
    }

    /// Whether PostgreSQL committed transaction `xid`, asked on the connection that ran it.
    pub(super) async fn committed(
        &self,
        c: &mut AnyConnection,
        xid: i64,
    ) -> Result<(), StoreError> {
        let mut sql = Sql::new(self.backend, "SELECT txid_status(");
        sql.param(xid).push(")");
        let rows = sql.fetch_all(c).await?;
        let status: Option<String> = rows
            .first()
            .map(|r| r.try_get::<String, _>(0))
            .transpose()
            .map_err(db)?;
        match status.as_deref() {
            Some("committed") => Ok(()),
            other => Err(StoreError::Unavailable(format!(
                "the write transaction did not commit (status {})",
                other.unwrap_or("unknown")
            ))),
        }
    }

    async fn apply_in(&self, tx: &mut AnyConnection, mut w: Write) -> Result<Outcome, StoreError> {
        if let Some(k) = &w.idempotency {
            if let Some(reply) = stored_reply(self.backend, tx, &k.scope, &k.key).await? {
                return replay(&reply, k).map(Outcome::Rollback);
            }
            if !w.changes.is_empty() && !claim_key(self.backend, tx, k, w.at).await? {
                // Another writer stored the key since we looked: answer as it did.
                let reply = stored_reply(self.backend, tx, &k.scope, &k.key)
                    .await?
                    .ok_or_else(|| StoreError::Internal("idempotency key vanished".into()))?;
                return replay(&reply, k).map(Outcome::Rollback);
            }
        }
        // Every update is checked against the records as they were before this write (as
        // `MemoryStore` does), so a failing write reports the same version whatever its
        // order; the writer lock keeps them so until the commit.
        for c in &w.changes {
            if let Some(expected) = c.expected_version {
                check_version(self.backend, tx, &c.record, expected).await?;
            }
        }
        let mut updated = std::collections::HashSet::new();
        let mut records = Vec::with_capacity(w.changes.len());
        let mut events = Vec::with_capacity(w.changes.len());
        for c in std::mem::take(&mut w.changes) {
            let mut record = c.record;
            let (changes, previous) = match c.expected_version {
                None => {
                    record.stamp(0, 1);
                    let id = insert(self.backend, tx, &record).await?;
                    record.stamp(id, 1);
                    (record.to_json(), Value::Object(Map::new()))
                }
                Some(expected) => {
                    record.stamp(record.id(), expected.saturating_add(1));
                    // A second update of one record in a write follows the first.
                    let again = !updated.insert((record.kind(), record.id()));
                    update(self.backend, tx, &record, (!again).then_some(expected)).await?;
                    (c.changes, c.previous)
                }
            };
            let mut event = w.event(0, &record, c.action, (changes, previous));
            event.seq = insert_event(self.backend, tx, &event).await?;
            events.push(event);
            records.push(record);
        }
        if let (Some(k), Some(first)) = (&w.idempotency, records.first()) {
            let mut sql = Sql::new(self.backend, "UPDATE idempotency_keys SET body = ");
            sql.param(rows::json(&first.to_json()))
                .push(" WHERE scope = ")
                .param(k.scope.as_str())
                .push(" AND key = ")
                .param(k.key.as_str());
            sql.execute(tx).await?;
        }
        Ok(Outcome::Commit(Applied::Stored { records, events }))
    }
}

async fn stored_reply(
    backend: Backend,
    c: &mut AnyConnection,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotentReply>, StoreError> {
    let mut sql = Sql::new(
        backend,
        "SELECT fingerprint, body FROM idempotency_keys WHERE scope = ",
    );
    sql.param(scope).push(" AND key = ").param(key);
    sql.fetch_optional(c)
        .await?
        .map(|row| {
            let fingerprint: String = row.try_get("fingerprint").map_err(db)?;
            let body: String = row.try_get("body").map_err(db)?;
            Ok(IdempotentReply {
                fingerprint,
                body: rows::from_json(&body, "idempotent answer")?,
            })
        })
        .transpose()
}

/// The first answer for a retry with the same body; a mismatch otherwise.
fn replay(reply: &IdempotentReply, k: &IdempotencyKey) -> Result<Applied, StoreError> {
    if reply.fingerprint == k.fingerprint {
        Ok(Applied::Replayed(reply.body.clone()))
    } else {
        Err(StoreError::IdempotencyMismatch)
    }
}

/// Claims the key (its answer is filled in at the end of the transaction); `false` when a
/// concurrent writer holds it.
async fn claim_key(
    backend: Backend,
    c: &mut AnyConnection,
    k: &IdempotencyKey,
    at: Time,
) -> Result<bool, StoreError> {
    let mut sql = Sql::new(
        backend,
        "INSERT INTO idempotency_keys (scope, key, fingerprint, body, created_at) VALUES (",
    );
    sql.param(k.scope.as_str())
        .push(", ")
        .param(k.key.as_str())
        .push(", ")
        .param(k.fingerprint.as_str())
        .push(", 'null', ")
        .param(at)
        .push(") ON CONFLICT (scope, key) DO NOTHING");
    Ok(sql.execute(c).await? == 1)
}

/// Inserts a record; returns the identifier the database gave it.
async fn insert(
    backend: Backend,
    c: &mut AnyConnection,
    record: &Record,
) -> Result<i64, StoreError> {
    let cols = rows::columns(record);
    let mut sql = Sql::new(
        backend,
        &format!("INSERT INTO {} (", rows::table(record.kind())),
    );
    sql.push(&cols.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "))
        .push(") VALUES (");
    for (i, (_, b)) in cols.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.param(b);
    }
    sql.push(") RETURNING id");
    let row = sql
        .fetch_optional(c)
        .await?
        .ok_or_else(|| StoreError::Internal("insert returned no identifier".into()))?;
    row.try_get(0).map_err(db)
}

/// The stored version of `record` is `expected`; else what was found.
async fn check_version(
    backend: Backend,
    c: &mut AnyConnection,
    record: &Record,
    expected: i64,
) -> Result<(), StoreError> {
    let (entity, id) = (record.kind(), record.id());
    let mut sql = Sql::new(
        backend,
        &format!("SELECT version FROM {} WHERE id = ", rows::table(entity)),
    );
    sql.param(id);
    match sql.fetch_optional(c).await? {
        None => Err(StoreError::Missing { entity, id }),
        Some(row) => match row.try_get::<i64, _>(0).map_err(db)? {
            found if found == expected => Ok(()),
            found => Err(StoreError::VersionConflict {
                entity,
                id,
                expected,
                found,
            }),
        },
    }
}

/// Writes a record over the stored one, if that is still at `expected` (when given): the
/// check and the write are one statement.
async fn update(
    backend: Backend,
    c: &mut AnyConnection,
    record: &Record,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    let mut sql = Sql::new(
        backend,
        &format!("UPDATE {} SET ", rows::table(record.kind())),
    );
    for (i, (n, b)) in rows::columns(record).into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(n).push(" = ").param(b);
    }
    sql.push(" WHERE id = ").param(record.id());
    if let Some(v) = expected {
        sql.push(" AND version = ").param(v);
    }
    if sql.execute(c).await? == 1 {
        return Ok(());
    }
    // Another writer got in between (only possible without the writer lock): say what is
    // stored now.
    check_version(backend, c, record, expected.unwrap_or(0)).await?;
    Err(StoreError::Internal("an update changed no row".into()))
}

/// Stores an event; returns its sequence number.
async fn insert_event(
    backend: Backend,
    c: &mut AnyConnection,
    e: &Event,
) -> Result<i64, StoreError> {
    let mut sql = Sql::new(
        backend,
        "INSERT INTO events (at, actor, hq, entity, entity_id, action, changes, previous) VALUES (",
    );
    sql.param(e.at)
        .push(", ")
        .param(e.actor.as_str())
        .push(", ")
        .param(e.hq)
        .push(", ")
        .param(e.entity.as_str())
        .push(", ")
        .param(e.entity_id)
        .push(", ")
        .param(e.action.as_str())
        .push(", ")
        .param(rows::json(&e.changes))
        .push(", ")
        .param(rows::json(&e.previous))
        .push(") RETURNING seq");
    let row = sql
        .fetch_optional(c)
        .await?
        .ok_or_else(|| StoreError::Internal("insert returned no sequence number".into()))?;
    row.try_get(0).map_err(db)
}

/// ` AND updated_at >= $n` when asked.
fn since(sql: &mut Sql, t: Option<Time>) {
    if let Some(t) = t {
        sql.push(" AND updated_at >= ").param(t);
    }
}

/// Most writes committed together.
const MAX_BATCH: usize = 256;

impl SqlStore {
    /// Group commit: the writes waiting when a writer gets the queue are applied in one
    /// transaction, each in its own savepoint (a write that fails leaves the others alone),
    /// and committed with one sync to disk; each gets its own answer only after that commit.
    async fn commit_batch(&self, batch: Vec<(Write, Reply)>) {
        let mut answers = Vec::with_capacity(batch.len());
        let committed = self.run_batch(batch, &mut answers).await;
        for (answer, reply) in answers {
            let _ = reply.send(committed.clone().and(answer));
        }
    }

    /// Applies the batch, each write's answer into `answers`; whether it was committed.
    async fn run_batch(
        &self,
        batch: Vec<(Write, Reply)>,
        answers: &mut Vec<(Result<Applied, StoreError>, Reply)>,
    ) -> Result<(), StoreError> {
        let mut batch = batch.into_iter();
        let result = async {
            let mut c = self.conn().await?;
            let xid = {
                let mut tx = self.begin_write(&mut c).await?;
                let xid = self.transaction_id(&mut tx).await?;
                for (w, reply) in batch.by_ref() {
                    if reply.is_closed() {
                        continue; // its writer gave up before the commit: as if never sent
                    }
                    let answer = match sqlx::Acquire::begin(&mut *tx).await {
                        Ok(mut savepoint) => match self.apply_in(&mut savepoint, w).await {
                            Ok(Outcome::Commit(applied)) => {
                                savepoint.commit().await.map(|()| applied).map_err(db)
                            }
                            Ok(Outcome::Rollback(replayed)) => {
                                savepoint.rollback().await.map(|()| replayed).map_err(db)
                            }
                            Err(e) => {
                                let _ = savepoint.rollback().await;
                                Err(e)
                            }
                        },
                        Err(e) => Err(db(e)),
                    };
                    answers.push((answer, reply));
                }
                tx.commit().await.map_err(db)?;
                xid
            };
            match xid {
                Some(xid) => self.committed(&mut c, xid).await,
                None => Ok(()),
            }
        }
        .await;
        // Writes not reached because the transaction could not begin get its error.
        if let Err(e) = &result {
            for (_, reply) in batch {
                answers.push((Err(e.clone()), reply));
            }
        }
        result
    }
}

/// Where a queued write's answer goes.
pub(super) type Reply = tokio::sync::oneshot::Sender<Result<Applied, StoreError>>;

impl Store for SqlStore {
    async fn apply(&self, w: Write) -> Result<Applied, StoreError> {
        let (reply, mut answer) = tokio::sync::oneshot::channel();
        self.pending
            .lock()
            .map_err(|_| StoreError::Internal("the write queue is poisoned".into()))?
            .push((w, reply));
        loop {
            let queue = self.write_lock.lock().await;
            let batch: Vec<(Write, Reply)> = match self.pending.lock() {
                Ok(mut p) => {
                    let n = p.len().min(MAX_BATCH);
                    p.drain(..n).collect()
                }
                Err(_) => Vec::new(),
            };
            if !batch.is_empty() {
                self.commit_batch(batch).await;
            }
            drop(queue);
            // Every batch taken before ours was answered before its writer let the queue
            // go: no answer yet means this write is still waiting (past a full batch).
            match answer.try_recv() {
                Ok(result) => return result,
                Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
                Err(tokio::sync::oneshot::error::TryRecvError::Closed) => {
                    return Err(StoreError::Unavailable(
                        "the write was abandoned before its commit".into(),
                    ));
                }
            }
        }
    }

    async fn apply_all(&self, writes: Vec<Write>) -> Vec<Result<Applied, StoreError>> {
        self.apply_updates(writes).await
    }

    async fn idempotent(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<IdempotentReply>, StoreError> {
        let mut c = self.conn().await?;
        stored_reply(self.backend, &mut c, scope, key).await
    }

    async fn hq(&self, id: i64) -> Result<Option<Hq>, StoreError> {
        self.by_id(rows::HQ_COLUMNS, "hqs", id, rows::hq).await
    }

    async fn hqs(&self) -> Result<Vec<Hq>, StoreError> {
        let sql = Sql::new(
            self.backend,
            &format!("SELECT {} FROM hqs ORDER BY id", rows::HQ_COLUMNS),
        );
        self.read(&sql, rows::hq).await
    }

    async fn volunteer(&self, id: i64) -> Result<Option<Volunteer>, StoreError> {
        self.by_id(rows::VOLUNTEER_COLUMNS, "volunteers", id, rows::volunteer)
            .await
    }

    async fn volunteers_by_id(&self, ids: &[i64]) -> Result<Vec<Volunteer>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(1_000) {
            let mut sql = Sql::new(
                self.backend,
                &format!(
                    "SELECT {} FROM volunteers WHERE 1 = 1",
                    rows::VOLUNTEER_COLUMNS
                ),
            );
            sql.in_list("id", chunk);
            out.extend(self.read(&sql, rows::volunteer).await?);
        }
        Ok(out)
    }

    async fn volunteers(&self, q: &VolunteerQuery) -> Result<Vec<Volunteer>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            &format!(
                "SELECT {} FROM volunteers WHERE id > ",
                rows::VOLUNTEER_COLUMNS
            ),
        );
        sql.param(q.after_id.unwrap_or(i64::MIN));
        if let Some(hqs) = &q.hqs {
            sql.in_list("hq", hqs);
        }
        if let Some(s) = q.status {
            sql.push(" AND status = ").param(rows::name(&s));
        }
        if let Some(m) = q.mode {
            sql.push(" AND mode = ").param(rows::name(&m));
        }
        since(&mut sql, q.updated_since);
        sql.order_limit("id", q.limit);
        self.read(&sql, rows::volunteer).await
    }

    async fn request(&self, id: i64) -> Result<Option<Request>, StoreError> {
        self.by_id(rows::REQUEST_COLUMNS, "requests", id, rows::request)
            .await
    }

    async fn requests(&self, q: &RequestQuery) -> Result<Vec<Request>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            &format!("SELECT {} FROM requests WHERE id > ", rows::REQUEST_COLUMNS),
        );
        sql.param(q.after_id.unwrap_or(i64::MIN));
        if let Some(hqs) = &q.hqs {
            sql.in_list("hq", hqs);
        }
        if !q.statuses.is_empty() {
            sql.push(" AND status IN (");
            for (i, s) in q.statuses.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.param(s.as_str());
            }
            sql.push(")");
        }
        if let Some(u) = q.urgency {
            sql.push(" AND urgency = ").param(u.as_str());
        }
        if let Some(k) = q.kind {
            sql.push(" AND kind = ").param(rows::name(&k));
        }
        if let Some([x0, y0, x1, y1]) = q.bbox {
            sql.push(" AND lon >= ")
                .param(x0)
                .push(" AND lon <= ")
                .param(x1)
                .push(" AND lat >= ")
                .param(y0)
                .push(" AND lat <= ")
                .param(y1);
        }
        since(&mut sql, q.updated_since);
        if let Some(c) = &q.created_by {
            sql.push(" AND created_by = ").param(c.as_str());
        }
        if let Some(v) = q.volunteer {
            sql.push(" AND volunteer = ").param(v);
        }
        sql.order_limit("id", q.limit);
        self.read(&sql, rows::request).await
    }

    async fn closure(&self, id: i64) -> Result<Option<Closure>, StoreError> {
        self.by_id(rows::CLOSURE_COLUMNS, "closures", id, rows::closure)
            .await
    }

    async fn closures(&self) -> Result<Vec<Closure>, StoreError> {
        let sql = Sql::new(
            self.backend,
            &format!("SELECT {} FROM closures ORDER BY id", rows::CLOSURE_COLUMNS),
        );
        self.read(&sql, rows::closure).await
    }

    async fn events(&self, q: &EventQuery) -> Result<Vec<Event>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            &format!("SELECT {} FROM events WHERE seq > ", rows::EVENT_COLUMNS),
        );
        sql.param(q.after_seq);
        if let Some(hqs) = &q.hqs {
            sql.in_list("hq", hqs);
        }
        if let Some((kind, id)) = q.entity {
            sql.push(" AND entity = ")
                .param(kind.as_str())
                .push(" AND entity_id = ")
                .param(id);
        }
        sql.order_limit("seq", q.limit);
        self.read(&sql, rows::event).await
    }

    async fn last_seq(&self) -> Result<i64, StoreError> {
        let mut c = self.conn().await?;
        let row = Sql::new(self.backend, "SELECT COALESCE(MAX(seq), 0) FROM events")
            .fetch_optional(&mut c)
            .await?;
        row.map_or(Ok(0), |r| r.try_get(0).map_err(db))
    }

    async fn insert_token(&self, t: TokenRecord) -> Result<i64, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "INSERT INTO tokens (hash, role, hqs, volunteer, label, created_at, revoked_at) VALUES (",
        );
        sql.param(t.hash)
            .push(", ")
            .param(t.role.as_str())
            .push(", ")
            .param(rows::json(&t.hqs))
            .push(", ")
            .param(t.volunteer)
            .push(", ")
            .param(t.label)
            .push(", ")
            .param(t.created_at)
            .push(", ")
            .param(t.revoked_at)
            .push(") RETURNING id");
        let mut c = self.conn().await?;
        let row = sql
            .fetch_optional(&mut c)
            .await?
            .ok_or_else(|| StoreError::Internal("insert returned no identifier".into()))?;
        row.try_get(0).map_err(db)
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            &format!("SELECT {} FROM tokens WHERE hash = ", rows::TOKEN_COLUMNS),
        );
        sql.param(hash).push(" ORDER BY id LIMIT 1");
        Ok(self.read(&sql, rows::token).await?.into_iter().next())
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let sql = Sql::new(
            self.backend,
            &format!("SELECT {} FROM tokens ORDER BY id", rows::TOKEN_COLUMNS),
        );
        self.read(&sql, rows::token).await
    }

    async fn revoke_token(&self, id: i64, at: Time) -> Result<bool, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "UPDATE tokens SET revoked_at = COALESCE(revoked_at, ",
        );
        sql.param(at).push(") WHERE id = ").param(id);
        let mut c = self.conn().await?;
        Ok(sql.execute(&mut c).await? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::{Backend, Sql};

    fn built(backend: Backend) -> Sql {
        let mut sql = Sql::new(backend, "SELECT a FROM t WHERE json_extract(x, '$.a') = ");
        sql.param(1_i64).in_list("c", &[2, 3, 4]);
        sql.order_limit("a", 10);
        sql
    }

    #[test]
    fn sqlite_statements_have_anonymous_placeholders() {
        let sql = built(Backend::Sqlite);
        assert_eq!(
            sql.text,
            "SELECT a FROM t WHERE json_extract(x, '$.a') = ? AND c IN (?, ?, ?) ORDER BY a LIMIT ?"
        );
        assert_eq!(sql.binds.len(), 5);
    }

    #[test]
    fn postgres_statements_have_numbered_placeholders() {
        let sql = built(Backend::Postgres);
        assert_eq!(
            sql.text,
            "SELECT a FROM t WHERE json_extract(x, '$.a') = $1 AND c IN ($2, $3, $4) ORDER BY a LIMIT $5"
        );
        assert_eq!(sql.binds.len(), 5);
        let mut many = Sql::new(Backend::Postgres, "VALUES (");
        for i in 0..120_i64 {
            if i > 0 {
                many.push(", ");
            }
            many.param(i);
        }
        let want: Vec<String> = (1..=120).map(|i| format!("${i}")).collect();
        assert_eq!(many.text, format!("VALUES ({}", want.join(", ")));
    }

    #[test]
    fn an_empty_list_matches_nothing_on_both() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let mut sql = Sql::new(backend, "SELECT a FROM t WHERE 1 = 1");
            sql.in_list("c", &[]);
            assert_eq!(sql.text, "SELECT a FROM t WHERE 1 = 1 AND 1 = 0");
            assert!(sql.binds.is_empty());
        }
    }
}
