//! `vmeste import-csv`: a spreadsheet's volunteers land in the store all at once, and a file
//! with one bad row stores nothing and names the row.

use engine::board::{Board, Created, NewHq, Principal, Role, Store, Time, VolunteerQuery};

use crate::cli_import::{s, tmp, vmeste};
use crate::support;

#[test]
fn import_csv_stores_every_row_or_none() {
    let Some(pbf) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let graph = tmp("csv-car.vmg");
    let out = vmeste(&["import", s(&pbf), "--profile", "car", "-o", s(&graph)]);
    assert!(out.status.success());
    let db = tmp("csv.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let admin = Principal {
        token_id: 0,
        role: Role::Admin,
        hqs: vec![],
        volunteer: None,
    };
    let hq = rt.block_on(async {
        let store = server::store::SqlStore::open(s(&db)).await.unwrap();
        let b = Board::new(store);
        let new = NewHq {
            name: "HQ".into(),
            region: "MC".into(),
            location: [7.42, 43.73],
            timezone: None,
        };
        match b
            .create_hq(&admin, Time(1_790_000_000), new, None)
            .await
            .unwrap()
        {
            Created::New(h) => h.id,
            Created::Replayed(_) => unreachable!(),
        }
    });
    let good = tmp("good.csv");
    std::fs::write(&good, "name,phone,mode,skills,lon,lat\nАнна,+377 600 000 001,foot,medical,7.415637,43.735767\nIvan,+377 600 000 002,car,,7.422844,43.736876\n").unwrap();
    let hq_s = hq.to_string();
    let (db_s, graph_s) = (s(&db).to_owned(), s(&graph).to_owned());
    let args = move |f: &str| -> Vec<String> {
        [
            "import-csv",
            "--store",
            &db_s,
            "--hq",
            &hq_s,
            "--kind",
            "volunteers",
            "--graph",
            &graph_s,
            f,
        ]
        .iter()
        .map(|x| (*x).to_owned())
        .collect()
    };
    let run = |a: Vec<String>| vmeste(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let out = run(args(s(&good)));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["imported"], 2);
    // One row at sea and one with a bad phone: nothing more is stored; both rows named.
    let bad = tmp("bad.csv");
    std::fs::write(&bad, "name,phone,mode,lon,lat\nOk,+377 600 000 003,foot,7.415637,43.735767\nSea,+377 600 000 004,foot,7.5,43.6\nX,call me,foot,7.415637,43.735767\n").unwrap();
    let out = run(args(s(&bad)));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 3") && err.contains("row 4"), "{err}");
    let n = rt.block_on(async {
        let store = server::store::SqlStore::open(s(&db)).await.unwrap();
        store
            .volunteers(&VolunteerQuery {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .len()
    });
    assert_eq!(n, 2);
    // Unknown files and columns are refused.
    assert!(!run(args("/nonexistent.csv")).status.success());
    let cols = tmp("cols.csv");
    std::fs::write(&cols, "name,password\nx,y\n").unwrap();
    assert!(!run(args(s(&cols))).status.success());
}
