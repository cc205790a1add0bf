//! Geocoding: queries on the Moscow (Myasnitskaya) extract in the forms a hotline types
//! them (exact, abbreviated, Latin, with a typo, a street alone, nothing to find), the
//! gazetteer's load from its section bytes, and the import cost of gathering it: the
//! import's two passes with and without the gazetteer, measured in the same run, on the
//! Moscow, North Bayreuth and Porto extracts.
//!
//! The extracts are read from `../shared/data/osm/` (or the folder named by
//! `VMESTE_SHARED_DATA`); without them the bench prints a note and measures nothing.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use engine::geocode::Gazetteer;
use engine::osm::{CAR, FOOT, read_network, read_network_and_gazetteer};

fn extract(name: &str) -> Option<PathBuf> {
    let dir = std::env::var("VMESTE_SHARED_DATA").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    );
    let p = dir.join("osm").join(name);
    p.is_file().then_some(p)
}

const MOSCOW: &str = "moscow-myasnitskaya-2020-07-20.osm.pbf";

/// Queries as a hotline types them.
const QUERIES: &[(&str, &str)] = &[
    ("exact", "Милютинский переулок 16 с1"),
    ("abbreviated", "ул. Мясницкая, д. 24/7, стр. 3"),
    ("latin", "Myasnitskaya ulitsa 24/7 str 3"),
    ("typo", "Милютинскй пер 16"),
    ("street", "Мясницкая улица"),
    ("unknown", "Несуществующая улица 5"),
];

fn bench(c: &mut Criterion) {
    let Some(moscow) = extract(MOSCOW) else {
        eprintln!("geocode: {MOSCOW} not found; set VMESTE_SHARED_DATA");
        return;
    };
    let (_, osm) = read_network_and_gazetteer(&moscow, &FOOT, &|_| {}).expect("import");
    let gazetteer = Gazetteer::from_osm(&osm);
    let mut g = c.benchmark_group("geocode_moscow");
    for (name, q) in QUERIES {
        g.bench_with_input(BenchmarkId::new("search", name), q, |b, q| {
            b.iter(|| black_box(gazetteer.search(q, 5).expect("query")))
        });
    }
    let at = gazetteer.addresses()[0].location;
    g.bench_function("reverse", |b| b.iter(|| black_box(gazetteer.reverse(at))));
    let bytes = gazetteer.to_bytes();
    g.bench_function("load_section", |b| {
        b.iter(|| black_box(Gazetteer::from_bytes(&bytes).expect("load")))
    });
    g.finish();

    let mut g = c.benchmark_group("import_gazetteer_cost");
    g.sample_size(10);
    for name in [
        MOSCOW,
        "north-bayreuth-2014.osm.pbf",
        "porto-2015-06-06-highways.osm.pbf",
    ] {
        let Some(path) = extract(name) else { continue };
        g.bench_with_input(BenchmarkId::new("read_network", name), &path, |b, p| {
            b.iter(|| black_box(read_network(p, &CAR).expect("import")))
        });
        g.bench_with_input(
            BenchmarkId::new("read_network_and_gazetteer", name),
            &path,
            |b, p| {
                b.iter(|| {
                    let (net, osm) = read_network_and_gazetteer(p, &CAR, &|_| {}).expect("import");
                    black_box((net, Gazetteer::section_from_osm(&osm)))
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
