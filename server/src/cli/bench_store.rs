//! `vmeste bench store`: the board's store under load, through [`Board`] as the HTTP API
//! uses it. Write throughput of request creations (each a transaction with its event) and
//! of position reports, by `--concurrency` writers; then read latencies of one request, a
//! page of a headquarters' new requests and a page of events.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use engine::board::{
    AnyRoads, Board, Created, EventQuery, Mode, NewHq, NewRequest, NewVolunteer, PositionReport,
    Principal, Recipient, RequestKind, RequestQuery, RequestStatus, Role, Store, Urgency,
};

use super::token::now;
use crate::store::SqlStore;

/// Arguments of `vmeste bench store`.
#[derive(Debug, clap::Args)]
pub struct BenchStoreArgs {
    /// The store: an SQLite file path, `sqlite://PATH` or `postgres://…` (records are added
    /// to what it holds).
    #[arg(long)]
    pub store: String,
    /// Writes per phase (request creations, then position reports).
    #[arg(long, default_value_t = 2000)]
    pub writes: usize,
    /// Concurrent writers.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Reads per kind of read.
    #[arg(long, default_value_t = 1000)]
    pub reads: usize,
    /// Print `ack request ID` on stdout as each creation is acknowledged (for the
    /// durability test, which kills the process and looks for every acknowledged request).
    #[arg(long, hide = true)]
    pub print_acks: bool,
}

const ADMIN: Principal = Principal {
    token_id: 0,
    role: Role::Admin,
    hqs: Vec::new(),
    volunteer: None,
};

/// Latency percentiles in milliseconds of `v` (seconds).
fn percentiles(v: &mut [f64]) -> String {
    v.sort_by(f64::total_cmp);
    let at = |p: f64| {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "an index into a non-empty slice"
        )]
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v.get(i).copied().unwrap_or(f64::NAN) * 1e3
    };
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    )
}

fn request(hq: i64, i: usize) -> NewRequest {
    #[expect(clippy::cast_precision_loss, reason = "a small counter spreads points")]
    let d = (i % 1000) as f64 * 1e-4;
    NewRequest {
        hq,
        kind: RequestKind::Groceries,
        urgency: Urgency::Normal,
        deadline: None,
        time_windows: vec![],
        service_min: None,
        load_kg: Some(3.0),
        load_bags: Some(1),
        skills: vec![],
        notes: Some(format!("bench request {i}")),
        recipient: Recipient {
            name: "Bench Recipient".into(),
            phone: "+70000000000".into(),
            address: String::new(),
        },
        location: Some([37.6 + d, 55.7 + d]),
        address: None,
    }
}

/// Runs `vmeste bench store`.
///
/// # Errors
/// A store that cannot be opened or refuses a write.
pub fn run(args: &BenchStoreArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(bench(args))
}

async fn bench(args: &BenchStoreArgs) -> anyhow::Result<()> {
    let store = SqlStore::open(&args.store).await?;
    outln!("store: {:?} at {}", store.backend(), redact(&args.store));
    let board = Arc::new(Board::new(store));
    let writers = args.concurrency.max(1);
    let per_writer = args.writes.div_ceil(writers);
    let hq = match board
        .create_hq(
            &ADMIN,
            now(),
            NewHq {
                name: "Bench HQ".into(),
                region: "77".into(),
                location: [37.6, 55.7],
                timezone: None,
            },
            None,
        )
        .await?
    {
        Created::New(h) => h.id,
        Created::Replayed(_) => anyhow::bail!("unexpected replay"),
    };
    let mut volunteers = Vec::with_capacity(writers);
    for i in 0..writers {
        let v = NewVolunteer {
            hq,
            name: format!("Bench Volunteer {i}"),
            phone: "+70000000001".into(),
            mode: Mode::Foot,
            skills: vec![],
            capacity_kg: None,
            capacity_bags: None,
            shifts: vec![],
            max_tasks: None,
            home: None,
            position: Some([37.6, 55.7]),
            status: None,
        };
        match board
            .create_volunteer(&ADMIN, now(), v, &AnyRoads, None)
            .await?
        {
            Created::New(v) => volunteers.push(v.id),
            Created::Replayed(_) => anyhow::bail!("unexpected replay"),
        }
    }

    // Request creations.
    let t = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (board, print) = (Arc::clone(&board), args.print_acks);
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_writer);
            for i in 0..per_writer {
                let t = Instant::now();
                let created = board
                    .create_request(
                        &ADMIN,
                        now(),
                        request(hq, w * per_writer + i),
                        None,
                        &AnyRoads,
                        None,
                    )
                    .await?;
                lat.push(t.elapsed().as_secs_f64());
                if let (true, Created::New(r)) = (print, &created) {
                    outln!("ack request {}", r.id);
                }
            }
            anyhow::Ok(lat)
        }));
    }
    let mut lat = gather(tasks).await?;
    report(
        "request creations",
        lat.len(),
        t.elapsed().as_secs_f64(),
        &mut lat,
    );

    // Position reports: each writer reports for its own volunteer.
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (w, id) in volunteers.iter().copied().enumerate() {
        let board = Arc::clone(&board);
        let who = Principal {
            token_id: 0,
            role: Role::Volunteer,
            hqs: vec![],
            volunteer: Some(id),
        };
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_writer);
            for i in 0..per_writer {
                #[expect(clippy::cast_precision_loss, reason = "a small counter moves a point")]
                let d = ((w + i) % 500) as f64 * 1e-5;
                let report = PositionReport {
                    position: [37.6 + d, 55.7 - d],
                    at: None,
                    status: None,
                };
                let t = Instant::now();
                board
                    .report_position(&who, now(), id, report, &AnyRoads)
                    .await?;
                lat.push(t.elapsed().as_secs_f64());
            }
            anyhow::Ok(lat)
        }));
    }
    let mut lat = gather(tasks).await?;
    report(
        "position reports",
        lat.len(),
        t.elapsed().as_secs_f64(),
        &mut lat,
    );

    // Reads, one at a time.
    let store = board.store();
    let last = store.last_seq().await?;
    let newest = store
        .requests(&RequestQuery {
            hqs: Some(vec![hq]),
            limit: usize::MAX,
            ..RequestQuery::default()
        })
        .await?;
    let ids: Vec<i64> = newest.iter().map(|r| r.id).collect();
    let reads = args.reads.max(1);
    let mut by_id = Vec::with_capacity(reads);
    let mut pages = Vec::with_capacity(reads);
    let mut events = Vec::with_capacity(reads);
    for i in 0..reads {
        let id = ids.get(i * 7919 % ids.len().max(1)).copied().unwrap_or(1);
        let t = Instant::now();
        store.request(id).await?;
        by_id.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        store
            .requests(&RequestQuery {
                hqs: Some(vec![hq]),
                statuses: vec![RequestStatus::New],
                after_id: Some(id),
                limit: 100,
                ..RequestQuery::default()
            })
            .await?;
        pages.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let from = i64::try_from(i * 13).unwrap_or(0) % last.max(1);
        store
            .events(&EventQuery {
                after_seq: from,
                hqs: Some(vec![hq]),
                entity: None,
                limit: 100,
            })
            .await?;
        events.push(t.elapsed().as_secs_f64());
    }
    outln!("read one request by id: {}", percentiles(&mut by_id));
    outln!(
        "read 100 new requests of an hq: {}",
        percentiles(&mut pages)
    );
    outln!("read 100 events of an hq: {}", percentiles(&mut events));
    board.store().close().await;
    Ok(())
}

/// Every writer's latencies, or the first error.
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<anyhow::Result<Vec<f64>>>>,
) -> anyhow::Result<Vec<f64>> {
    let mut lat = Vec::new();
    for task in tasks {
        lat.extend(task.await??);
    }
    Ok(lat)
}

fn report(what: &str, n: usize, seconds: f64, lat: &mut [f64]) {
    #[expect(clippy::cast_precision_loss, reason = "a count of writes")]
    let rate = n as f64 / seconds;
    outln!(
        "{what}: {n} in {seconds:.2} s = {rate:.0}/s; latency {}",
        percentiles(lat)
    );
}

/// The store's address without a password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}
