//! Turn restrictions on the real extracts: the split graph's contraction hierarchy against a
//! plain Dijkstra on the edge-based expansion of the unsplit graph, and named restricted
//! junctions whose forbidden turn a route must now avoid.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: failures should panic"
)]

use engine::graph::{ForbiddenWalks, RoadGraph, from_network, from_network_ignoring_turns, turns};
use engine::osm::{BICYCLE, CAR, OsmNetwork, Profile, read_network};
use engine::routing::{ContractionHierarchy, EdgePoint, SearchSpace, turn_reference};
use engine::types::EdgeId;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

#[path = "handmade_pbf.rs"]
mod handmade_pbf;

/// The network, its plain graph, its forbidden walks and the split graph.
fn load(
    extract: &str,
    profile: &'static Profile,
) -> Option<(OsmNetwork, RoadGraph, ForbiddenWalks, RoadGraph)> {
    let path = support::osm(extract)?;
    let net = read_network(&path, profile).unwrap();
    let plain = from_network_ignoring_turns(&net).unwrap();
    let walks = ForbiddenWalks::resolve(&plain, &net.restrictions, net.broken_restrictions);
    let split = turns::apply(&plain, &walks).unwrap();
    Some((net, plain, walks, split))
}

/// A random point on a random original edge of the split graph's largest component.
fn random_point(rng: &mut Pcg64, g: &RoadGraph) -> EdgePoint {
    loop {
        let e = EdgeId(rng.random_range(0..g.num_original_edges() as u32));
        if g.component(g.edge_tail(e)) == 0 && g.component(g.edge_head(e)) == 0 {
            return EdgePoint::new(e, rng.random_range(0.0..=1.0));
        }
    }
}

/// The split graph's hierarchy gives the reference's cost on `pairs` random pairs; returns
/// how many of them the restrictions made slower than the plain graph's route.
fn check_against_reference(extract: &str, profile: &'static Profile, pairs: usize) -> usize {
    let Some((net, plain, walks, split)) = load(extract, profile) else {
        return 0;
    };
    assert_eq!(split, from_network(&net).unwrap(), "{extract}");
    let c = split.restriction_counts();
    assert_eq!(c.read, c.applied + c.skipped);
    let ch = ContractionHierarchy::build(&split).unwrap();
    let plain_ch = ContractionHierarchy::build(&plain).unwrap();
    let mut space = SearchSpace::new(split.num_nodes());
    let mut plain_space = SearchSpace::new(plain.num_nodes());
    let mut rng = Pcg64::seed_from_u64(15);
    let mut slower = 0;
    for _ in 0..pairs {
        let (from, to) = (
            random_point(&mut rng, &split),
            random_point(&mut rng, &split),
        );
        let want = turn_reference::shortest(&plain, &walks.walks, from, to);
        let got = ch.query(&split, &mut space, from, to).unwrap();
        assert_eq!(got, want, "{extract} {}: {from:?} -> {to:?}", profile.name);
        let route = ch.route(&split, &mut space, from, to).unwrap();
        assert_eq!(route.as_ref().map(engine::routing::Path::cost), want);
        let free = plain_ch.query(&plain, &mut plain_space, from, to).unwrap();
        if free != got {
            assert!(free < got, "restrictions only take routes away");
            slower += 1;
        }
    }
    slower
}

#[test]
fn hierarchy_matches_the_edge_based_reference_on_small_extracts() {
    let mut slower = 0;
    for (extract, profile) in [
        ("monaco-2023-12-26.osm.pbf", &CAR),
        ("monaco-2023-12-26.osm.pbf", &BICYCLE),
        ("liechtenstein-2015-07-27.osm.pbf", &CAR),
        ("andorra-2020-05-01.osm.pbf", &CAR),
    ] {
        slower += check_against_reference(extract, profile, 150);
        if let Some(path) = support::osm(extract) {
            let net = read_network(&path, profile).unwrap();
            let c = from_network(&net).unwrap().restriction_counts();
            assert!(c.applied > 0, "{extract}: {c:?}");
        }
    }
    if support::osm("monaco-2023-12-26.osm.pbf").is_some() {
        assert!(slower > 0, "no random route met a restriction");
    }
}

#[test]
#[ignore = "release: bigger extracts"]
fn hierarchy_matches_the_edge_based_reference_on_every_extract() {
    // The three smallest are checked by the test above, in debug builds too.
    for &extract in &support::EVERY_EXTRACT[3..] {
        for profile in [&CAR, &BICYCLE] {
            let Some(path) = support::osm(extract) else {
                continue;
            };
            let net = read_network(&path, profile).unwrap();
            if net.restrictions.is_empty() {
                continue;
            }
            check_against_reference(extract, profile, 300);
        }
    }
}

/// The edge of `way` into (`into`) or out of the OSM node `at`.
fn edge_at(g: &RoadGraph, way: i64, at: i64, into: bool) -> EdgeId {
    (0..g.num_original_edges() as u32)
        .map(EdgeId)
        .find(|&e| {
            let node = if into { g.edge_head(e) } else { g.edge_tail(e) };
            g.edge_way(e).0 == way && g.node_osm_id(node).0 == at
        })
        .unwrap_or_else(|| panic!("no edge of {way} at {at}"))
}

/// Real restricted junctions of Monaco: the route from the middle of the `from` road to the
/// middle of the `to` road takes the turn on the plain graph and goes around with
/// restrictions.
#[test]
fn routes_go_around_named_restricted_junctions_in_monaco() {
    let Some(path) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let net = read_network(&path, &CAR).unwrap();
    let plain = from_network_ignoring_turns(&net).unwrap();
    let split = from_network(&net).unwrap();
    let plain_ch = ContractionHierarchy::build(&plain).unwrap();
    let ch = ContractionHierarchy::build(&split).unwrap();
    let mut space = SearchSpace::new(split.num_nodes());
    // (relation, from way, via node, to way, what the sign says)
    let junctions = [
        // no_*: Avenue des Papalins, no turn from one carriageway piece onto the other.
        (7_361_262, 4_229_274, 25_177_418, 4_224_972),
        // no_*: from the slip road onto Avenue des Castelans.
        (4_261_963, 176_527_122, 25_177_185, 166_399_477),
        // only_*: from Avenue des Papalins (way 167625743) the only way on is way 167625727;
        // turning onto way 4229273 of the same avenue is forbidden.
        (7_361_263, 167_625_743, 25_177_397, 4_229_273),
        // no_*: Boulevard Charles III, no turn into the Tunnel de Serravalle.
        (7_362_011, 503_813_546, 1_079_045_383, 503_813_542),
    ];
    let mut around = 0;
    for (relation, from_way, via, to_way) in junctions {
        assert!(net.restrictions.iter().any(|r| r.id == relation));
        let f = edge_at(&split, from_way, via, true);
        let t = (0..split.num_original_edges() as u32)
            .map(EdgeId)
            .find(|&e| {
                split.edge_way(e).0 == to_way
                    && split.node_osm_id(split.edge_tail(e)).0 == via
                    && split.edge_twin(e) != Some(f)
            })
            .unwrap_or_else(|| panic!("relation {relation}: no {to_way} out of {via}"));
        let (from, to) = (EdgePoint::along(f, 0.5), EdgePoint::along(t, 0.5));
        let direct = plain_ch
            .route(&plain, &mut space, from, to)
            .unwrap()
            .unwrap();
        assert_eq!(
            direct.edges,
            vec![f, t],
            "relation {relation}: the plain route turns"
        );
        let route = ch.route(&split, &mut space, from, to).unwrap();
        if let Some(route) = route {
            assert!(
                !route.edges.windows(2).any(|w| w == [f, t]),
                "relation {relation}: the forbidden turn is taken"
            );
            assert!(route.duration > direct.duration, "relation {relation}");
            assert!(route.edges.len() > 2, "relation {relation}");
            around += 1;
        }
    }
    assert!(around >= 3, "{around} routes went around");
}

/// Broken relations (no `to`, a relation as member, an unknown value, a via node off the
/// ways, a way not in the extract, a via way that loops back) import cleanly and are
/// counted; the one good relation still applies.
#[test]
fn hostile_restriction_relations_are_counted_not_fatal() {
    use handmade_pbf::Element::{Node, Relation, Way};
    let road: &[(&str, &str)] = &[("highway", "residential")];
    let t = |r: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![("type", "restriction"), ("restriction", r)]
    };
    let (no_left, no_u, odd) = (t("no_left_turn"), t("no_u_turn"), t("perhaps"));
    let hgv = [("type", "restriction"), ("restriction:hgv", "no_left_turn")];
    let except = [
        ("type", "restriction"),
        ("restriction", "no_left_turn"),
        ("except", "motorcar"),
    ];
    let elements = [
        Node(1, 7.0, 43.0),
        Node(2, 6.999, 43.0),
        Node(3, 7.0, 43.001),
        Node(4, 7.001, 43.0),
        Node(5, 7.0, 42.999),
        Node(6, 7.0005, 43.0015),
        Node(7, 6.9995, 43.0015),
        Way(10, &[2, 1], road),
        Way(11, &[1, 3], road),
        Way(12, &[1, 4], road),
        Way(13, &[1, 5], road),
        Way(14, &[3, 6, 7, 3], road),
        // Good: no left turn from the west arm into the north arm.
        Relation(
            100,
            &[('w', 10, "from"), ('n', 1, "via"), ('w', 11, "to")],
            &no_left,
        ),
        // No `to`.
        Relation(101, &[('w', 10, "from"), ('n', 1, "via")], &no_left),
        // The via node is not where the ways meet.
        Relation(
            102,
            &[('w', 10, "from"), ('n', 4, "via"), ('w', 11, "to")],
            &no_left,
        ),
        // A via way that loops back to where it started.
        Relation(
            103,
            &[('w', 11, "from"), ('w', 14, "via"), ('w', 11, "to")],
            &no_u,
        ),
        // A relation as member.
        Relation(
            104,
            &[('w', 10, "from"), ('r', 100, "via"), ('w', 11, "to")],
            &no_left,
        ),
        // A way absent from the extract.
        Relation(
            105,
            &[('w', 999, "from"), ('n', 1, "via"), ('w', 11, "to")],
            &no_left,
        ),
        // An unknown value.
        Relation(
            106,
            &[('w', 10, "from"), ('n', 1, "via"), ('w', 11, "to")],
            &odd,
        ),
        // Not for cars.
        Relation(
            107,
            &[('w', 10, "from"), ('n', 1, "via"), ('w', 12, "to")],
            &hgv,
        ),
        Relation(
            108,
            &[('w', 10, "from"), ('n', 1, "via"), ('w', 12, "to")],
            &except,
        ),
        // A relation without members at all.
        Relation(109, &[], &no_left),
    ];
    let bytes = handmade_pbf::pbf(&elements);
    let path = std::env::temp_dir().join(format!("vmeste-turns-{}.osm.pbf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let car = read_network(&path, &CAR);
    let bicycle = read_network(&path, &BICYCLE);
    std::fs::remove_file(&path).ok();
    let net = car.unwrap();
    assert_eq!(net.restrictions.len() as u32 + net.broken_restrictions, 8);
    assert_eq!(net.broken_restrictions, 4); // 101, 104, 106, 109
    let g = from_network(&net).unwrap();
    let c = g.restriction_counts();
    assert_eq!(c.read, 8);
    assert_eq!(c.read, c.applied + c.skipped);
    assert!(c.applied >= 1 && c.skipped >= 6, "{c:?}");
    // The west arm may not turn into the north arm: the route turns back at the end of
    // another arm instead.
    let mut space = SearchSpace::new(g.num_nodes());
    let ch = ContractionHierarchy::build(&g).unwrap();
    let west = edge_at(&g, 10, 1, true);
    let north = edge_at(&g, 11, 1, false);
    let at = |e| EdgePoint::along(e, 0.5);
    let route = ch
        .route(&g, &mut space, at(west), at(north))
        .unwrap()
        .unwrap();
    assert!(route.edges.len() > 2, "{:?}", route.edges);
    assert!(!route.edges.windows(2).any(|w| w == [west, north]));
    // By bicycle `except=motorcar` applies too, `restriction:hgv` still not.
    let bicycle = bicycle.unwrap();
    assert_eq!(
        bicycle.restrictions.len() as u32 + bicycle.broken_restrictions,
        9
    );
}
