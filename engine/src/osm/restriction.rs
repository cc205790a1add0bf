//! Turn restriction relations (`type=restriction`) as they apply to one profile.
//!
//! A relation forbids (`restriction=no_*`) or imposes (`restriction=only_*`) a turn from a
//! `from` way, through a `via` node or one or more `via` ways, onto a `to` way. The key read
//! depends on the profile: cars read `restriction:motorcar`, then
//! `restriction:motor_vehicle`, `restriction:vehicle` and `restriction`; bicycles read
//! `restriction:bicycle`, then `restriction:vehicle` and `restriction`; on foot no
//! restriction applies. `except=` naming the profile's vehicle (`motorcar`, `motor_vehicle`,
//! `vehicle` for cars; `bicycle` for bicycles) drops the relation for it, as do conditional
//! restrictions, which are not read.
//!
//! A relation whose members do not make sense (no `from`, no `to`, no `via`, a `via` node
//! beside `via` ways, a relation as member, an unknown restriction value) is counted as
//! skipped; it never stops the import.

use crate::types::{OsmNodeId, OsmWayId};

/// Whether the restriction forbids its turn or makes it the only one allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestrictionKind {
    /// `no_*`: the turn from `from` to `to` is forbidden.
    No,
    /// `only_*`: from `from`, `to` is the only way on.
    Only,
}

/// Where the turn happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// At one node.
    Node(OsmNodeId),
    /// Along these ways, in order from `from` to `to`.
    Ways(Vec<OsmWayId>),
}

/// One turn restriction relation, as read for a profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsmRestriction {
    /// The relation's id.
    pub id: i64,
    /// Forbidden turn or only turn.
    pub kind: RestrictionKind,
    /// The ways the turn starts on (usually one; `no_entry` may list several).
    pub from: Vec<OsmWayId>,
    /// Where the turn happens.
    pub via: Via,
    /// The ways the turn ends on (usually one; `no_exit` may list several).
    pub to: Vec<OsmWayId>,
}

/// The outcome of reading one relation for a profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// Not a turn restriction for this profile (another type, another vehicle, `except`).
    NotForProfile,
    /// A turn restriction for this profile whose members or value are unusable.
    Broken,
    /// A usable restriction.
    Restriction(OsmRestriction),
}

/// A relation member: type (`'n'`, `'w'`, `'r'`), id, role.
pub(crate) type Member<'a> = (char, i64, &'a str);

/// Reads one relation for the profile named `profile` (`car`, `bicycle`, `foot`).
pub(crate) fn read_relation(
    profile: &str,
    id: i64,
    tags: &[(&str, &str)],
    members: &[Member<'_>],
) -> Read {
    let tag = |k: &str| tags.iter().find(|(key, _)| *key == k).map(|&(_, v)| v);
    if tag("type") != Some("restriction") {
        return Read::NotForProfile;
    }
    let (keys, vehicles): (&[&str], &[&str]) = match profile {
        "car" => (
            &[
                "restriction:motorcar",
                "restriction:motor_vehicle",
                "restriction:vehicle",
                "restriction",
            ],
            &["motorcar", "motor_vehicle", "vehicle"],
        ),
        "bicycle" => (
            &["restriction:bicycle", "restriction:vehicle", "restriction"],
            &["bicycle", "vehicle"],
        ),
        _ => return Read::NotForProfile,
    };
    let Some(value) = keys.iter().find_map(|k| tag(k)) else {
        return Read::NotForProfile;
    };
    if let Some(except) = tag("except")
        && except.split(';').any(|v| vehicles.contains(&v.trim()))
    {
        return Read::NotForProfile;
    }
    let value = value.trim();
    let kind = if value.starts_with("no_") {
        RestrictionKind::No
    } else if value.starts_with("only_") {
        RestrictionKind::Only
    } else {
        return Read::Broken;
    };
    let mut from = Vec::new();
    let mut to = Vec::new();
    let mut via_nodes = Vec::new();
    let mut via_ways = Vec::new();
    for &(kind, member, role) in members {
        match (kind, role) {
            ('w', "from") => from.push(OsmWayId(member)),
            ('w', "to") => to.push(OsmWayId(member)),
            ('w', "via") => via_ways.push(OsmWayId(member)),
            ('n', "via") => via_nodes.push(OsmNodeId(member)),
            ('r', "from" | "to" | "via") | ('n', "from" | "to") => return Read::Broken,
            _ => {} // other roles (`location_hint`, …) are ignored
        }
    }
    let via = match (via_nodes.as_slice(), via_ways.is_empty()) {
        ([node], true) => Via::Node(*node),
        ([], false) => Via::Ways(via_ways),
        _ => return Read::Broken,
    };
    if from.is_empty() || to.is_empty() || (kind == RestrictionKind::Only && to.len() > 1) {
        return Read::Broken;
    }
    Read::Restriction(OsmRestriction {
        id,
        kind,
        from,
        via,
        to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(profile: &str, tags: &[(&str, &str)], members: &[Member<'_>]) -> Read {
        read_relation(profile, 7, tags, members)
    }

    const TURN: [Member<'static>; 3] = [('w', 1, "from"), ('n', 2, "via"), ('w', 3, "to")];

    #[test]
    fn profile_keys_and_except() {
        let plain = [("type", "restriction"), ("restriction", "no_left_turn")];
        assert!(matches!(read("car", &plain, &TURN), Read::Restriction(_)));
        assert!(matches!(
            read("bicycle", &plain, &TURN),
            Read::Restriction(_)
        ));
        assert_eq!(read("foot", &plain, &TURN), Read::NotForProfile);
        let except = [
            ("type", "restriction"),
            ("restriction", "no_left_turn"),
            ("except", "psv;bicycle"),
        ];
        assert!(matches!(read("car", &except, &TURN), Read::Restriction(_)));
        assert_eq!(read("bicycle", &except, &TURN), Read::NotForProfile);
        let hgv = [("type", "restriction"), ("restriction:hgv", "no_left_turn")];
        assert_eq!(read("car", &hgv, &TURN), Read::NotForProfile);
        let motorcar = [
            ("type", "restriction"),
            ("restriction:motorcar", "only_straight_on"),
        ];
        match read("car", &motorcar, &TURN) {
            Read::Restriction(r) => {
                assert_eq!(r.kind, RestrictionKind::Only);
                assert_eq!(r.via, Via::Node(OsmNodeId(2)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(read("bicycle", &motorcar, &TURN), Read::NotForProfile);
    }

    #[test]
    fn broken_members_are_reported() {
        let t = [("type", "restriction"), ("restriction", "no_u_turn")];
        assert_eq!(read("car", &t, &TURN[..2]), Read::Broken);
        assert_eq!(read("car", &t, &TURN[1..]), Read::Broken);
        assert_eq!(
            read("car", &t, &[('w', 1, "from"), ('w', 3, "to")]),
            Read::Broken
        );
        let both = [
            ('w', 1, "from"),
            ('n', 2, "via"),
            ('w', 4, "via"),
            ('w', 3, "to"),
        ];
        assert_eq!(read("car", &t, &both), Read::Broken);
        let odd = [("type", "restriction"), ("restriction", "maybe")];
        assert_eq!(read("car", &odd, &TURN), Read::Broken);
        let ways = [
            ('w', 1, "from"),
            ('w', 4, "via"),
            ('w', 5, "via"),
            ('w', 3, "to"),
        ];
        match read("car", &t, &ways) {
            Read::Restriction(r) => {
                assert_eq!(r.via, Via::Ways(vec![OsmWayId(4), OsmWayId(5)]));
            }
            other => panic!("{other:?}"),
        }
    }
}
