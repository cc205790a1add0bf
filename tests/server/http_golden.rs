//! Golden responses for fixed queries on the Monaco extract, in `data/golden/`.
//!
//! A change in any answer shows as a failing test and, after
//! `VMESTE_UPDATE_GOLDEN=1 cargo test -p server --test server http_golden`, as a diff of the
//! JSON files to review.

use serde_json::Value;

use crate::http_support::{get, monaco};
use crate::support;

const QUERIES: &[(&str, &str)] = &[
    (
        "monaco-route-steps",
        "/route/v1/car/7.415637,43.735767;7.429717,43.743469?steps=true&overview=full&geometries=geojson&annotations=duration,distance,nodes",
    ),
    (
        "monaco-route-foot-polyline",
        "/route/v1/foot/7.414254,43.734398;7.422844,43.736876;7.428190,43.744469",
    ),
    (
        "monaco-table",
        "/table/v1/car/7.415637,43.735767;7.422844,43.736876;7.414254,43.734398;7.429717,43.743469?annotations=duration,distance",
    ),
    (
        "monaco-nearest",
        "/nearest/v1/car/7.422844,43.736876?number=3",
    ),
    (
        "monaco-trip",
        "/trip/v1/car/7.415637,43.735767;7.422844,43.736876;7.414254,43.734398;7.429717,43.743469;7.414092,43.730622?overview=false",
    ),
    // The last stop snaps onto a dead-end one-way road (a small strongly connected component),
    // and its radius keeps it there: the main network is farther.
    (
        "monaco-trip-two-components",
        "/trip/v1/car/7.415637,43.735767;7.422844,43.736876;7.428190,43.744469?overview=false&radiuses=unlimited;unlimited;40",
    ),
    (
        "monaco-error-nosegment",
        "/route/v1/car/7.5,43.6;7.422844,43.736876",
    ),
];

#[test]
fn golden_responses_on_monaco() {
    let Some(addr) = monaco() else { return };
    let dir = support::workspace().join("data/golden");
    let update = std::env::var("VMESTE_UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut mismatches = Vec::new();
    for (name, query) in QUERIES {
        let got = get(addr, query).json();
        let file = dir.join(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            let text =
                serde_json::to_string_pretty(&serde_json::json!({"query": query, "response": got}))
                    .unwrap();
            std::fs::write(&file, text + "\n").unwrap();
            continue;
        }
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())),
        )
        .unwrap();
        assert_eq!(
            want["query"], *query,
            "{name}: the golden file is for another query"
        );
        if want["response"] != got {
            mismatches.push(format!("{name}: got {got}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden mismatches (regenerate with VMESTE_UPDATE_GOLDEN=1 and review the diff):\n{}",
        mismatches.join("\n")
    );
}
