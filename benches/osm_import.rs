//! Import of the Porto extract: our two-pass `osmpbf` reader against the same two passes
//! with `osmpbfreader` (the baseline, measured in the same run), the whole import (read +
//! graph build), and writing / loading the graph file.
//!
//! The extract is `../shared/data/osm/porto-2015-06-06-highways.osm.pbf`, or the file named
//! by `VMESTE_BENCH_PBF`. Without it the bench prints a note and measures nothing.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use engine::graph::{file, from_network};
use engine::osm::{CAR, read_network, tags::way_rule};

fn porto() -> Option<PathBuf> {
    let p = std::env::var("VMESTE_BENCH_PBF")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/data/osm/porto-2015-06-06-highways.osm.pbf")
        });
    p.is_file().then_some(p)
}

/// The same work as our reader (car ways, then the coordinates of their nodes) with
/// `osmpbfreader`, sequentially (its `par_iter` was slower on this machine).
fn osmpbfreader_two_pass(path: &Path) -> (usize, usize) {
    let f = std::fs::File::open(path).expect("open");
    let mut r = osmpbfreader::OsmPbfReader::new(f);
    let mut refs = Vec::new();
    let mut ways = 0;
    for w in r.iter_ways() {
        let w = w.expect("valid pbf");
        let tags: Vec<(&str, &str)> = w
            .tags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if way_rule(&CAR, &tags).is_some() {
            ways += 1;
            refs.extend(w.nodes.iter().map(|n| n.0));
        }
    }
    refs.sort_unstable();
    refs.dedup();
    r.rewind().expect("rewind");
    let mut found = 0;
    for n in r.iter_nodes() {
        let n = n.expect("valid pbf");
        if refs.binary_search(&n.id.0).is_ok() {
            found += usize::from(n.decimicro_lat != i32::MIN);
        }
    }
    (ways, found)
}

fn bench(c: &mut Criterion) {
    let Some(path) = porto() else {
        eprintln!("osm_import: Porto extract not found; set VMESTE_BENCH_PBF");
        return;
    };
    let mut g = c.benchmark_group("read_porto_car");
    g.sample_size(10);
    g.bench_function("osmpbf_two_pass_parallel", |b| {
        b.iter(|| black_box(read_network(&path, &CAR).expect("import")))
    });
    g.bench_function("osmpbfreader_two_pass_baseline", |b| {
        b.iter(|| black_box(osmpbfreader_two_pass(&path)))
    });
    g.finish();

    let net = read_network(&path, &CAR).expect("import");
    let graph = from_network(&net).expect("graph");
    let meta = file::Meta {
        source_sha256: net.source_sha256,
    };
    let bytes = file::encode(&graph, &meta, &[]).expect("encode");
    let mut g = c.benchmark_group("import_porto_car");
    g.sample_size(10);
    g.bench_function("read_and_build", |b| {
        b.iter(|| {
            black_box(from_network(&read_network(&path, &CAR).expect("import")).expect("graph"))
        })
    });
    g.bench_function("build_from_network", |b| {
        b.iter(|| black_box(from_network(&net).expect("graph")))
    });
    g.bench_function("file_encode", |b| {
        b.iter(|| black_box(file::encode(&graph, &meta, &[]).expect("encode")))
    });
    g.bench_function("file_decode_verified", |b| {
        b.iter(|| black_box(file::decode(&bytes).expect("decode")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
