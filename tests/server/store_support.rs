//! Stores for the store tests: a fresh SQLite file in a temporary directory, a fresh
//! PostgreSQL database on the server named by `VMESTE_TEST_POSTGRES` (skipped loudly when
//! unset, a failure under `VMESTE_REQUIRE_DATA=1`), and seeded random records.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::atomic::{AtomicU32, Ordering};

use engine::board::{
    Geocoded, Hq, Mode, Recipient, Request, RequestKind, RequestStatus, Time, Urgency, Volunteer,
    VolunteerStatus, Window,
};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use server::store::SqlStore;

/// A fresh SQLite store; keep the directory alive as long as the store.
pub(crate) async fn sqlite() -> (tempfile::TempDir, SqlStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.sqlite");
    let store = SqlStore::open(path.to_str().unwrap()).await.unwrap();
    (dir, store)
}

/// The PostgreSQL server's URL, or `None` (skip) when there is none.
pub(crate) fn postgres_url() -> Option<String> {
    match std::env::var("VMESTE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("VMESTE_REQUIRE_DATA").is_ok_and(|v| v == "1") {
                panic!(
                    "VMESTE_TEST_POSTGRES is not set (VMESTE_REQUIRE_DATA=1): run scripts/postgres.sh start"
                );
            }
            eprintln!(
                "SKIPPED: PostgreSQL store test (VMESTE_TEST_POSTGRES is unset; scripts/test.sh sets it)"
            );
            None
        }
    }
}

/// The URL of a new, empty database on the test server, or `None` (skip).
pub(crate) async fn postgres_database() -> Option<String> {
    use sqlx::Connection;
    static N: AtomicU32 = AtomicU32::new(0);
    let base = postgres_url()?;
    let name = format!(
        "vmeste_t_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut c)
        .await
        .unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    Some(format!("{server}/{name}"))
}

/// A fresh PostgreSQL store, or `None` (skip).
pub(crate) async fn postgres() -> Option<SqlStore> {
    let url = postgres_database().await?;
    Some(SqlStore::open(&url).await.unwrap())
}

/// A seeded generator.
pub(crate) fn rng(seed: u64) -> Pcg64 {
    Pcg64::seed_from_u64(seed)
}

fn text(r: &mut Pcg64) -> String {
    const PARTS: [&str; 10] = [
        "Анна",
        "ул. Ленина, 5",
        "'; DROP TABLE requests; --",
        "\"quoted\"",
        "tab\tnew\nline",
        "émoji 🙂",
        "",
        " ",
        "\\",
        "%_",
    ];
    (0..r.random_range(0..4))
        .map(|_| PARTS[r.random_range(0..PARTS.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

fn time(r: &mut Pcg64) -> Time {
    Time(r.random_range(0..4_000_000_000))
}

fn point(r: &mut Pcg64) -> [f64; 2] {
    [r.random_range(-180.0..=180.0), r.random_range(-90.0..=90.0)]
}

fn maybe<T>(r: &mut Pcg64, f: impl FnOnce(&mut Pcg64) -> T) -> Option<T> {
    r.random_bool(0.5).then(|| f(r))
}

fn windows(r: &mut Pcg64) -> Vec<Window> {
    (0..r.random_range(0..3))
        .map(|_| {
            let start = time(r);
            Window {
                start,
                end: start.plus(r.random_range(1..100_000)),
            }
        })
        .collect()
}

fn skills(r: &mut Pcg64) -> Vec<String> {
    let all = ["driver", "heavy_lifting", "medical", "psychologist", "x_1"];
    all.iter()
        .filter(|_| r.random_bool(0.3))
        .map(|s| (*s).to_owned())
        .collect()
}

fn pick<T: Copy>(r: &mut Pcg64, xs: &[T]) -> T {
    xs[r.random_range(0..xs.len())]
}

/// A random headquarters (identifier and version are the store's).
pub(crate) fn hq(r: &mut Pcg64) -> Hq {
    let created_at = time(r);
    Hq {
        id: 0,
        name: text(r),
        region: pick(r, &["77", "50", "78"]).to_owned(),
        location: point(r),
        timezone: pick(r, &["UTC", "Europe/Moscow"]).to_owned(),
        version: 0,
        created_at,
        updated_at: created_at.plus(r.random_range(0..1000)),
    }
}

/// A random volunteer of one of `hqs`.
pub(crate) fn volunteer(r: &mut Pcg64, hqs: &[i64]) -> Volunteer {
    Volunteer {
        id: 0,
        hq: pick(r, hqs),
        name: text(r),
        phone: format!("+7{}", r.random_range(1_000_000_000u64..9_999_999_999)),
        mode: pick(r, &Mode::ALL),
        skills: skills(r),
        capacity_kg: r.random_range(0.0..500.0),
        capacity_bags: r.random_range(0..=u32::MAX),
        shifts: windows(r),
        max_tasks: r.random_range(0..50),
        home: maybe(r, point),
        position: maybe(r, point),
        position_at: maybe(r, time),
        status: pick(
            r,
            &[
                VolunteerStatus::Available,
                VolunteerStatus::Busy,
                VolunteerStatus::Off,
            ],
        ),
        version: 0,
        created_at: time(r),
        updated_at: time(r),
    }
}

/// A random request of one of `hqs`, maybe held by one of `volunteers`.
pub(crate) fn request(r: &mut Pcg64, hqs: &[i64], volunteers: &[i64]) -> Request {
    let kinds = [
        RequestKind::Groceries,
        RequestKind::Medicines,
        RequestKind::Essentials,
        RequestKind::UtilityPayment,
        RequestKind::CareVisit,
        RequestKind::Transport,
        RequestKind::PsychologicalSupport,
        RequestKind::Other,
    ];
    Request {
        id: 0,
        hq: pick(r, hqs),
        kind: pick(r, &kinds),
        urgency: pick(r, &Urgency::ALL),
        deadline: time(r),
        time_windows: windows(r),
        service_min: r.random_range(0..300),
        load_kg: r.random_range(0.0..50.0),
        load_bags: r.random_range(0..10),
        skills: skills(r),
        notes: text(r),
        recipient: Recipient {
            name: text(r),
            phone: text(r),
            address: text(r),
        },
        location: maybe(r, point),
        geocoded: maybe(r, |r| Geocoded {
            label: text(r),
            confidence: r.random_range(0.0..=1.0),
            kind: pick(r, &["house", "street", "place"]).to_owned(),
        }),
        status: pick(r, &RequestStatus::ALL),
        reason: maybe(r, text),
        volunteer: if volunteers.is_empty() {
            None
        } else {
            maybe(r, |r| pick(r, volunteers))
        },
        assigned_by: maybe(r, |r| format!("coordinator:{}", r.random_range(1..5))),
        created_by: format!("operator:{}", r.random_range(1..4)),
        version: 0,
        created_at: time(r),
        updated_at: time(r),
    }
}
