use super::*;
use engine::dispatch::IntersectionRoad;
use engine::types::OsmWayId;

/// A road at an intersection: bearing, may it be entered, class, name.
fn road(bearing: u16, entry: bool, class: RoadClass, name: &str) -> IntersectionRoad {
    IntersectionRoad {
        bearing,
        entry,
        class,
        junction: Junction::None,
        name: name.to_owned(),
    }
}

/// An intersection arrived at from `roads[in_road]`, leaving by `roads[out_road]`.
pub(crate) fn at(
    mut roads: Vec<IntersectionRoad>,
    in_road: usize,
    out_road: usize,
) -> Intersection {
    roads[in_road].entry = false;
    Intersection {
        point: 0,
        roads,
        in_road,
        out_road,
    }
}

pub(crate) fn edge(name: &str, way: i64, class: RoadClass) -> LegEdge {
    LegEdge {
        first_segment: 0,
        num_segments: 1,
        way: OsmWayId(way),
        name: name.to_owned(),
        reference: String::new(),
        destination: String::new(),
        class,
        junction: Junction::None,
        ferry: false,
        intersection: None,
        ring: None,
    }
}

use RoadClass::{Motorway, MotorwayLink, Primary, Residential, Service, Trunk};

fn kind(m: Option<Maneuver>) -> Option<(&'static str, &'static str)> {
    m.map(|m| (m.kind.as_str(), m.modifier))
}

#[test]
fn modifiers_by_angle() {
    assert_eq!(modifier(0), "straight");
    assert_eq!(modifier(-30), "slight left");
    assert_eq!(modifier(90), "right");
    assert_eq!(modifier(-90), "left");
    assert_eq!(modifier(150), "sharp right");
    assert_eq!(modifier(180), "uturn");
    assert_eq!(turn_angle(350, 10), 20);
    assert_eq!(turn_angle(10, 350), -20);
    assert_eq!(turn_angle(90, 0), -90);
}

/// A four-way crossing heading north: roads to N (0), E (90), S (180, arrived by), W (270).
fn crossing(out: usize, names: [&str; 4]) -> Intersection {
    at(
        vec![
            road(0, true, Residential, names[0]),
            road(90, true, Residential, names[1]),
            road(180, true, Residential, names[2]),
            road(270, true, Residential, names[3]),
        ],
        2,
        out,
    )
}

#[test]
fn straight_on_the_same_road_is_no_maneuver() {
    let main = edge("Main", 1, Residential);
    let x = crossing(0, ["Main", "Cross", "Main", "Cross"]);
    assert_eq!(classify(&main, &edge("Main", 2, Residential), &x), None);
}

#[test]
fn turns_take_their_side_and_name_changes_straight_are_new_names() {
    let main = edge("Main", 1, Residential);
    let cross = edge("Cross", 2, Residential);
    let names = ["Other", "Cross", "Main", "Cross"];
    assert_eq!(
        kind(classify(&main, &cross, &crossing(1, names))),
        Some(("turn", "right"))
    );
    assert_eq!(
        kind(classify(&main, &cross, &crossing(3, names))),
        Some(("turn", "left"))
    );
    let other = edge("Other", 3, Residential);
    assert_eq!(
        kind(classify(&main, &other, &crossing(0, names))),
        Some(("new name", "straight"))
    );
}

#[test]
fn a_bend_without_choice_is_silent_unless_the_name_changes() {
    // Arrive from the south, the only way on is east.
    let bend = at(
        vec![
            road(90, true, Residential, "Main"),
            road(180, true, Residential, "Main"),
        ],
        1,
        0,
    );
    let main = edge("Main", 1, Residential);
    assert_eq!(classify(&main, &edge("Main", 1, Residential), &bend), None);
    assert_eq!(
        kind(classify(&main, &edge("Next", 2, Residential), &bend)),
        Some(("new name", "right"))
    );
}

#[test]
fn turning_while_keeping_the_name_is_continue() {
    let main = edge("Main", 1, Residential);
    let x = crossing(3, ["Side", "Side", "Main", "Main"]);
    assert_eq!(
        kind(classify(&main, &edge("Main", 2, Residential), &x)),
        Some(("continue", "left"))
    );
}

#[test]
fn a_t_junction_is_end_of_road() {
    // Arrive northbound; roads east and west only.
    let t = at(
        vec![
            road(90, true, Primary, "Cross"),
            road(180, true, Residential, "Main"),
            road(270, true, Primary, "Cross"),
        ],
        1,
        2,
    );
    assert_eq!(
        kind(classify(
            &edge("Main", 1, Residential),
            &edge("Cross", 2, Primary),
            &t
        )),
        Some(("end of road", "left"))
    );
}

#[test]
fn two_branches_ahead_are_a_fork() {
    let y = at(
        vec![
            road(340, true, Primary, "A"),
            road(20, true, Primary, "B"),
            road(180, true, Primary, "C"),
        ],
        2,
        1,
    );
    assert_eq!(
        kind(classify(&edge("C", 1, Primary), &edge("B", 2, Primary), &y)),
        Some(("fork", "slight right"))
    );
    let y = Intersection { out_road: 0, ..y };
    assert_eq!(
        kind(classify(&edge("C", 1, Primary), &edge("A", 3, Primary), &y)),
        Some(("fork", "slight left"))
    );
    // A service road does not make a fork: that is a slight turn.
    let s = at(
        vec![
            road(340, true, Service, ""),
            road(15, true, Primary, "B"),
            road(180, true, Primary, "C"),
        ],
        2,
        1,
    );
    assert_eq!(
        kind(classify(&edge("C", 1, Primary), &edge("B", 2, Primary), &s)),
        Some(("new name", "straight"))
    );
}

#[test]
fn ramps_off_and_on_and_merges() {
    let exit = at(
        vec![
            road(0, true, Motorway, "A1"),
            road(30, true, MotorwayLink, ""),
            road(180, true, Motorway, "A1"),
        ],
        2,
        1,
    );
    let a1 = edge("A1", 1, Motorway);
    let link = edge("", 2, MotorwayLink);
    assert_eq!(
        kind(classify(&a1, &link, &exit)),
        Some(("off ramp", "slight right"))
    );
    let onto = at(
        vec![
            road(0, true, Primary, "Road"),
            road(90, true, MotorwayLink, ""),
            road(180, true, Primary, "Road"),
        ],
        2,
        1,
    );
    assert_eq!(
        kind(classify(&edge("Road", 3, Primary), &link, &onto)),
        Some(("on ramp", "right"))
    );
    // The ramp comes in from the right and joins the trunk road heading north.
    let merge = at(
        vec![
            road(0, true, Trunk, "T"),
            road(200, false, Trunk, "T"),
            road(210, true, MotorwayLink, ""),
        ],
        2,
        0,
    );
    assert_eq!(
        kind(classify(&link, &edge("T", 4, Trunk), &merge)),
        Some(("merge", "slight left"))
    );
}

fn ring(radius_m: f64, exits: usize, name: &str) -> Ring {
    Ring {
        radius_m,
        exits,
        closed: true,
        name: name.to_owned(),
    }
}

#[test]
fn ring_kinds() {
    let r = Junction::Roundabout;
    assert_eq!(ring_kind(r, Some(&ring(12.0, 4, ""))), RingKind::Roundabout);
    assert_eq!(ring_kind(r, Some(&ring(40.0, 6, ""))), RingKind::Roundabout);
    assert_eq!(
        ring_kind(r, Some(&ring(40.0, 6, "Place"))),
        RingKind::Rotary
    );
    assert_eq!(
        ring_kind(r, Some(&ring(8.0, 4, "Place"))),
        RingKind::Roundabout
    );
    assert_eq!(
        ring_kind(r, Some(&ring(4.0, 3, ""))),
        RingKind::RoundaboutTurn
    );
    assert_eq!(ring_kind(r, Some(&ring(4.0, 5, ""))), RingKind::Roundabout);
    assert_eq!(ring_kind(Junction::Circular, None), RingKind::Rotary);
    assert_eq!(RingKind::Rotary.exit(), "exit rotary");
    assert_eq!(RingKind::RoundaboutTurn.enter(), "roundabout turn");
}

#[test]
fn ring_exits_count_enterable_roads_off_the_ring() {
    let mut ring_road = road(90, true, Residential, "");
    ring_road.junction = Junction::Roundabout;
    let mut arriving = road(270, true, Residential, "");
    arriving.junction = Junction::Roundabout;
    let node = at(
        vec![
            road(0, true, Residential, "Out"),
            ring_road,
            road(200, false, Residential, "In only"),
            arriving,
        ],
        3,
        1,
    );
    assert_eq!(ring_exits(&node, Some(node.out_road)), 1);
}
