use super::*;
use engine::dispatch::{IntersectionRoad, LegSegment, Ring, RoadSpan};
use engine::osm::RoadClass;
use engine::types::{OsmWayId, haversine_m};

fn road(bearing: u16, entry: bool, junction: Junction, name: &str) -> IntersectionRoad {
    IntersectionRoad {
        bearing,
        entry,
        class: RoadClass::Residential,
        junction,
        name: name.to_owned(),
    }
}

/// An edge over segments `first..first + n`; its intersection (if any) is at point `first`.
fn edge(
    name: &str,
    first: usize,
    n: usize,
    junction: Junction,
    at: Option<(Vec<IntersectionRoad>, usize, usize)>,
) -> LegEdge {
    LegEdge {
        first_segment: first,
        num_segments: n,
        way: OsmWayId(first as i64),
        name: name.to_owned(),
        reference: String::new(),
        destination: String::new(),
        class: RoadClass::Residential,
        junction,
        ferry: false,
        intersection: at.map(|(roads, in_road, out_road)| Intersection {
            point: first,
            roads,
            in_road,
            out_road,
        }),
        ring: None,
    }
}

/// A leg over `coordinates` with `edges`; 10 m/s everywhere.
fn leg(coordinates: Vec<LonLat>, edges: Vec<LegEdge>) -> Leg {
    let segments: Vec<LegSegment> = coordinates
        .windows(2)
        .map(|w| {
            let d = haversine_m(w[0], w[1]);
            LegSegment {
                distance_m: d,
                duration_s: d / 10.0,
            }
        })
        .collect();
    let spans = edges
        .iter()
        .map(|e| RoadSpan {
            name: e.name.clone(),
            first_segment: e.first_segment,
            num_segments: e.num_segments,
        })
        .collect();
    Leg {
        distance_m: segments.iter().map(|s| s.distance_m).sum(),
        duration_s: segments.iter().map(|s| s.duration_s).sum(),
        nodes: Vec::new(),
        coordinates,
        segments,
        spans,
        edges,
    }
}

const NO: Junction = Junction::None;
const RING: Junction = Junction::Roundabout;

/// Every step's geometry starts where the previous one ended; distances add up.
fn check_chain_and_sums(leg: &Leg, s: &[Value]) {
    for w in s.windows(2) {
        let a = w[0]["geometry"]["coordinates"].as_array().unwrap();
        let b = w[1]["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(a.last(), b.first());
        assert_eq!(w[1]["maneuver"]["location"], b[0]);
    }
    let total: f64 = s.iter().map(|x| x["distance"].as_f64().unwrap()).sum();
    assert!(
        (total - leg.distance_m).abs() < 0.1 * s.len() as f64,
        "{total} vs {}",
        leg.distance_m
    );
}

#[test]
fn depart_turn_arrive_with_a_silent_crossing() {
    let l = leg(
        vec![
            LonLat::new(7.40, 43.73),
            LonLat::new(7.41, 43.73),
            LonLat::new(7.42, 43.73),
            LonLat::new(7.42, 43.74),
        ],
        vec![
            edge("Main", 0, 1, NO, None),
            // Straight on along Main past a side road: no step, one more intersection.
            edge(
                "Main",
                1,
                1,
                NO,
                Some((
                    vec![
                        road(90, true, NO, "Main"),
                        road(180, true, NO, "Side"),
                        road(270, false, NO, "Main"),
                    ],
                    2,
                    0,
                )),
            ),
            edge(
                "Side",
                2,
                1,
                NO,
                Some((
                    vec![
                        road(0, true, NO, "Side"),
                        road(90, true, NO, "Main"),
                        road(270, true, NO, "Main"),
                    ],
                    2,
                    0,
                )),
            ),
        ],
    );
    let s = steps(&l, "car", Geometries::GeoJson);
    assert_eq!(s.len(), 3);
    assert_eq!(s[0]["maneuver"]["type"], "depart");
    assert_eq!(s[0]["maneuver"]["bearing_after"], 90);
    assert_eq!(s[0]["name"], "Main");
    assert_eq!(s[0]["intersections"].as_array().unwrap().len(), 2);
    assert_eq!(s[0]["intersections"][1]["bearings"], json!([90, 180, 270]));
    assert_eq!(
        s[0]["intersections"][1]["entry"],
        json!([true, true, false])
    );
    assert_eq!(
        (
            s[0]["intersections"][1]["in"].as_u64(),
            s[0]["intersections"][1]["out"].as_u64()
        ),
        (Some(2), Some(0))
    );
    assert_eq!(s[0]["geometry"]["coordinates"].as_array().unwrap().len(), 3);
    assert_eq!(s[1]["maneuver"]["type"], "turn");
    assert_eq!(s[1]["maneuver"]["modifier"], "left");
    assert_eq!(s[1]["maneuver"]["bearing_before"], 90);
    assert_eq!(s[1]["maneuver"]["bearing_after"], 0);
    assert_eq!(s[1]["maneuver"]["location"], json!([7.42, 43.73]));
    assert_eq!(s[2]["maneuver"]["type"], "arrive");
    assert_eq!(s[2]["distance"], 0.0);
    assert_eq!(s[2]["mode"], "driving");
    check_chain_and_sums(&l, &s);
}

#[test]
fn a_roundabout_gives_its_exit_number_and_an_exit_step() {
    let mut entry = edge(
        "",
        1,
        1,
        RING,
        Some((
            vec![
                road(35, false, RING, ""),
                road(145, true, RING, ""),
                road(270, true, NO, "In"),
            ],
            2,
            1,
        )),
    );
    entry.ring = Some(Ring {
        radius_m: 20.0,
        exits: 4,
        closed: true,
        name: String::new(),
    });
    let l = leg(
        vec![
            LonLat::new(7.4190, 43.7300),
            LonLat::new(7.4198, 43.7300),
            LonLat::new(7.4200, 43.7298),
            LonLat::new(7.4202, 43.7300),
            LonLat::new(7.4210, 43.7300),
        ],
        vec![
            edge("In", 0, 1, NO, None),
            entry,
            // Past the southern exit.
            edge(
                "",
                2,
                1,
                RING,
                Some((
                    vec![
                        road(35, true, RING, ""),
                        road(180, true, NO, "S"),
                        road(325, false, RING, ""),
                    ],
                    2,
                    0,
                )),
            ),
            // Out by the eastern one.
            edge(
                "Exit",
                3,
                1,
                NO,
                Some((
                    vec![
                        road(90, true, NO, "Exit"),
                        road(215, false, RING, ""),
                        road(325, true, RING, ""),
                    ],
                    1,
                    0,
                )),
            ),
        ],
    );
    let s = steps(&l, "car", Geometries::GeoJson);
    let types: Vec<&str> = s
        .iter()
        .map(|x| x["maneuver"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["depart", "roundabout", "exit roundabout", "arrive"]);
    assert_eq!(s[1]["maneuver"]["exit"], 2);
    assert_eq!(s[2]["maneuver"]["exit"], 2);
    assert_eq!(s[1]["name"], "Exit");
    assert_eq!(s[1]["maneuver"]["modifier"], "straight");
    // The ring node passed is an intersection of the roundabout step.
    assert_eq!(s[1]["intersections"].as_array().unwrap().len(), 2);
    check_chain_and_sums(&l, &s);
    // Two roads leave at the exit node: the one more to the right comes first.
    let mut two = l.clone();
    let at = two.edges[3].intersection.as_mut().unwrap();
    at.roads.push(road(170, true, NO, "Right"));
    at.roads.sort_by_key(|r| r.bearing);
    at.in_road = 2;
    at.out_road = 0;
    let s2 = steps(&two, "car", Geometries::GeoJson);
    assert_eq!(s2[1]["maneuver"]["exit"], 3);
    // A large named ring is a rotary with its name.
    let mut l = l;
    if let Some(r) = l.edges[1].ring.as_mut() {
        r.name = "Place".into();
    }
    let s = steps(&l, "car", Geometries::GeoJson);
    assert_eq!(s[1]["maneuver"]["type"], "rotary");
    assert_eq!(s[1]["rotary_name"], "Place");
    assert_eq!(s[2]["maneuver"]["type"], "exit rotary");
}

#[test]
fn two_quick_left_turns_collapse_into_a_uturn() {
    let l = leg(
        vec![
            LonLat::new(7.42, 43.730),
            LonLat::new(7.42, 43.731),
            LonLat::new(7.41995, 43.731),
            LonLat::new(7.41995, 43.730),
        ],
        vec![
            edge("Main", 0, 1, NO, None),
            edge(
                "",
                1,
                1,
                NO,
                Some((
                    vec![
                        road(0, true, NO, "Main"),
                        road(180, true, NO, "Main"),
                        road(270, true, NO, ""),
                    ],
                    1,
                    2,
                )),
            ),
            edge(
                "Main",
                2,
                1,
                NO,
                Some((
                    vec![
                        road(0, false, NO, "Main"),
                        road(90, true, NO, ""),
                        road(180, true, NO, "Main"),
                        road(270, true, NO, "X"),
                    ],
                    1,
                    2,
                )),
            ),
        ],
    );
    let s = steps(&l, "car", Geometries::GeoJson);
    let types: Vec<&str> = s
        .iter()
        .map(|x| x["maneuver"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["depart", "continue", "arrive"]);
    assert_eq!(s[1]["maneuver"]["modifier"], "uturn");
    assert_eq!(s[1]["name"], "Main");
    assert_eq!(s[1]["intersections"].as_array().unwrap().len(), 2);
    check_chain_and_sums(&l, &s);
}

#[test]
fn summary_names_the_two_longest_roads_in_order() {
    let l = leg(
        vec![
            LonLat::new(7.40, 43.73),
            LonLat::new(7.41, 43.73),
            LonLat::new(7.42, 43.73),
            LonLat::new(7.42, 43.74),
        ],
        vec![edge("Main", 0, 2, NO, None), edge("Side", 2, 1, NO, None)],
    );
    assert_eq!(summary(&l), "Main, Side");
    let mut l = l;
    l.spans[1].name = String::new();
    assert_eq!(summary(&l), "Main");
}
