//! The constructions ([`engine::vrp::construct`]): checker-valid on random problems and real
//! instances, regret insertion serves at least the tasks greedy insertion serves, and a table
//! of both constructions' cost and time on the benchmark sets.
#![allow(clippy::unwrap_used, clippy::cast_precision_loss)]

use engine::vrp::{Construction, Problem, Solution, check, construct, io::Instance};
use proptest::prelude::*;

use crate::support;
use crate::vrp_solver::tiny;

const METHODS: [Construction; 3] = [
    Construction::Greedy,
    Construction::Regret(2),
    Construction::Regret(3),
];

/// The checker accepts `s` and agrees on its totals.
fn assert_valid(p: &Problem, s: &Solution) {
    let report = check::check(p, s).unwrap();
    assert_eq!((report.distance, report.cost), (s.distance, s.cost));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]
    /// Random problems (windows, skills, capacities, a shipment, two vehicle kinds): every
    /// construction is valid, and the solver's never serves fewer tasks than greedy.
    #[test]
    fn constructions_pass_the_checker(seed in 0_u64..1_000_000, jobs in 0_usize..12, shipment: bool) {
        let p = tiny(seed, jobs, shipment);
        let greedy = construct(&p, Construction::Greedy, seed).unwrap();
        for method in METHODS {
            let s = construct(&p, method, seed).unwrap();
            assert_valid(&p, &s);
            prop_assert!(s.unassigned.len() <= greedy.unassigned.len() || method == Construction::Greedy);
        }
    }
}

/// Real instances of every kind (time windows, shipments, distance only): valid, and regret
/// serves at least the tasks greedy serves (greedy leaves some out on tight fleets).
#[test]
fn constructions_pass_the_checker_on_real_instances() {
    for rel in [
        "solomon/instances/C101.txt",
        "solomon/instances/R211.txt",
        "solomon/instances/RC105.txt",
        "lilim/100/instances/lrc201.txt",
        "x/instances/X-n101-k25.vrp",
    ] {
        let Some(path) = support::vrp(rel) else {
            return;
        };
        let inst = Instance::from_path(&path, None).unwrap();
        let greedy = construct(&inst.problem, Construction::Greedy, 1).unwrap();
        for method in METHODS {
            let s = construct(&inst.problem, method, 1).unwrap();
            assert_valid(&inst.problem, &s);
            assert!(
                s.unassigned.len() <= greedy.unassigned.len(),
                "{rel} {method:?}"
            );
            assert!(inst.verify(&s).feasible, "{rel} {method:?}");
        }
    }
}

/// Construction cost and time per method over the sets named by `VMESTE_CONSTRUCT_SETS`
/// (comma-separated folders under `shared/data/vrp`, default `solomon,homberger/200,x`):
/// instances with every task served, mean vehicles and mean gap of the distance to the BKS on
/// the instances every method serves in full, total time. Every output is checked.
#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn construction_table() {
    let sets = std::env::var("VMESTE_CONSTRUCT_SETS")
        .unwrap_or_else(|_| "solomon,homberger/200,x".to_string());
    for set in sets.split(',') {
        let Some(bks) = support::vrp(&format!("{set}/bks.csv")) else {
            return;
        };
        let rows: Vec<(String, f64)> = std::fs::read_to_string(bks)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), f[3].parse().unwrap())
            })
            .collect();
        let ext = if set == "x" { "vrp" } else { "txt" };
        // Per method: complete instances, vehicles, gap and seconds (on the common ones).
        let mut sums = [(0_usize, 0.0_f64, 0.0_f64, 0.0_f64); 3];
        let mut common = 0_usize;
        for (name, best) in &rows {
            let path = support::vrp(&format!("{set}/instances/{name}.{ext}")).unwrap();
            let inst = Instance::from_path(&path, None).unwrap();
            let mut out = Vec::new();
            for method in METHODS {
                let clock = std::time::Instant::now();
                let s = construct(&inst.problem, method, 1).unwrap();
                let took = clock.elapsed().as_secs_f64();
                assert_valid(&inst.problem, &s);
                let gap = 100.0 * (inst.exact_distance(&s) - best) / best;
                out.push((s.unassigned.is_empty(), s.routes.len() as f64, gap, took));
            }
            let all = out.iter().all(|o| o.0);
            common += usize::from(all);
            for (k, o) in out.iter().enumerate() {
                sums[k].0 += usize::from(o.0);
                sums[k].3 += o.3;
                if all {
                    sums[k].1 += o.1;
                    sums[k].2 += o.2;
                }
            }
        }
        let n = common.max(1) as f64;
        for (k, method) in METHODS.into_iter().enumerate() {
            println!(
                "{set} {method:?}: {}/{} served in full; on the {common} all serve: mean \
                 vehicles {:.2}, mean gap {:.2} %; total {:.3} s",
                sums[k].0,
                rows.len(),
                sums[k].1 / n,
                sums[k].2 / n,
                sums[k].3
            );
        }
    }
}
