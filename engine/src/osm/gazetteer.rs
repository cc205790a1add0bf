//! Addresses, named streets and places of an extract, gathered during the import's two
//! passes ([`read_network_and_gazetteer`](super::read_network_and_gazetteer)).
//!
//! - **Addresses**: nodes and ways with `addr:housenumber` plus `addr:street` or
//!   `addr:place` (and `addr:city`, `addr:postcode` when tagged). A way's location is the
//!   centroid of its distinct nodes (building outlines are closed ways).
//! - **Streets**: named `highway=*` ways (`name`, `name:ru`, `name:en`), one record per way
//!   with its middle node as the representative point; [`crate::geocode`] merges them per
//!   (name, locality).
//! - **Places**: `place=city|town|village|hamlet|isolated_dwelling|locality|suburb|quarter|
//!   neighbourhood` nodes and closed ways (centroid of the outline's nodes), with their
//!   names and `population` ([`parse_population`]).
//!
//! Pass 1 (every data block is decoded anyway) takes node records whole and notes the node
//! ids ways need; pass 2 (the node blocks) fills in their coordinates. Elements whose nodes
//! are all missing from the file (clipped extracts) or whose coordinates are invalid are
//! dropped. Relations (multipolygon buildings and places) are not read.

use osmpbf::PrimitiveBlock;
use serde::{Deserialize, Serialize};

use super::tags::tag;
use crate::types::{LonLat, from_fixed};

/// Kind of an OSM element a record comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementKind {
    /// An OSM node.
    Node,
    /// An OSM way.
    Way,
}

/// The OSM element a record comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OsmRef {
    /// Node or way.
    pub kind: ElementKind,
    /// Its id in the source file.
    pub id: i64,
}

/// The names of a street or place; `""` where untagged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Names {
    /// `name`.
    pub name: String,
    /// `name:ru`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_ru: String,
    /// `name:en`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_en: String,
}

impl Names {
    fn from_tags(tags: &[(&str, &str)]) -> Self {
        let get = |k| tag(tags, k).map(str::trim).unwrap_or("").to_owned();
        Self {
            name: get("name"),
            name_ru: get("name:ru"),
            name_en: get("name:en"),
        }
    }

    /// `true` when no name is tagged.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.name.is_empty() && self.name_ru.is_empty() && self.name_en.is_empty()
    }

    /// The distinct non-empty names, `name` first.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let all = [&self.name, &self.name_ru, &self.name_en];
        all.into_iter()
            .enumerate()
            .filter(move |&(i, n)| !n.is_empty() && !all[..i].contains(&n))
            .map(|(_, n)| n.as_str())
    }

    /// The name to show: `name`, else `name:ru`, else `name:en`.
    #[must_use]
    pub fn display(&self) -> &str {
        self.iter().next().unwrap_or("")
    }
}

/// An address: a house number on a street (or in a place without streets).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OsmAddress {
    /// The element it was read from.
    pub source: OsmRef,
    /// The node, or the centroid of the way's nodes.
    pub location: LonLat,
    /// `addr:housenumber`.
    pub housenumber: String,
    /// `addr:street`, `""` when untagged.
    #[serde(default)]
    pub street: String,
    /// `addr:place`, `""` when untagged.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// `addr:city`, `""` when untagged.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub city: String,
    /// `addr:postcode`, `""` when untagged.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub postcode: String,
}

/// A named highway way.
#[derive(Clone, Debug, PartialEq)]
pub struct OsmStreet {
    /// The way's id.
    pub way: i64,
    /// Its names.
    pub names: Names,
    /// Its middle node.
    pub location: LonLat,
    /// Number of nodes of the way (a longer piece makes a better representative).
    pub num_nodes: usize,
}

/// Kind of a place, from its `place` tag, biggest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// `place=city`.
    City,
    /// `place=town`.
    Town,
    /// `place=village`.
    Village,
    /// `place=hamlet`.
    Hamlet,
    /// `place=isolated_dwelling`.
    IsolatedDwelling,
    /// `place=suburb`.
    Suburb,
    /// `place=quarter`.
    Quarter,
    /// `place=neighbourhood`.
    Neighbourhood,
    /// `place=locality` (a named spot without people).
    Locality,
}

impl PlaceKind {
    /// Every kind, biggest first.
    pub const ALL: [Self; 9] = [
        Self::City,
        Self::Town,
        Self::Village,
        Self::Hamlet,
        Self::IsolatedDwelling,
        Self::Suburb,
        Self::Quarter,
        Self::Neighbourhood,
        Self::Locality,
    ];

    /// The kind of a `place=*` value.
    #[must_use]
    pub fn from_tag(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The `place=*` value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::City => "city",
            Self::Town => "town",
            Self::Village => "village",
            Self::Hamlet => "hamlet",
            Self::IsolatedDwelling => "isolated_dwelling",
            Self::Suburb => "suburb",
            Self::Quarter => "quarter",
            Self::Neighbourhood => "neighbourhood",
            Self::Locality => "locality",
        }
    }

    /// `true` for a settlement people live in as a whole (city to isolated dwelling), the
    /// kinds that name the locality of a street.
    #[must_use]
    pub const fn is_settlement(self) -> bool {
        matches!(
            self,
            Self::City | Self::Town | Self::Village | Self::Hamlet | Self::IsolatedDwelling
        )
    }
}

/// A named place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OsmPlace {
    /// The element it was read from.
    pub source: OsmRef,
    /// Its kind.
    pub kind: PlaceKind,
    /// Its names.
    pub names: Names,
    /// `population`, when tagged and readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// The node, or the centroid of the outline's nodes.
    pub location: LonLat,
}

/// Everything an extract tells about addresses, streets and places.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OsmGazetteer {
    /// Addresses, nodes first, each group in file order.
    pub addresses: Vec<OsmAddress>,
    /// Named highway ways.
    pub streets: Vec<OsmStreet>,
    /// Places.
    pub places: Vec<OsmPlace>,
}

/// Reads a `population` value: digits with optional thousands separators (space, thin
/// space, comma, apostrophe, or dots in groups of three), an optional leading `~`/`≈`/`ca.`
/// and trailing `+`. Anything else (words, decimals, ranges, negative numbers) is `None`.
///
/// # Examples
/// ```
/// use engine::osm::parse_population;
/// assert_eq!(parse_population("1 234"), Some(1234));
/// assert_eq!(parse_population("~500"), Some(500));
/// assert_eq!(parse_population("12.345"), Some(12345));
/// assert_eq!(parse_population("about 30"), None);
/// assert_eq!(parse_population("12.5"), None);
/// ```
#[must_use]
pub fn parse_population(value: &str) -> Option<u64> {
    let mut s = value.trim();
    for prefix in ["~", "≈", "ca.", "ca", "c."] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start();
            break;
        }
    }
    s = s.strip_suffix('+').unwrap_or(s).trim_end();
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let dot_groups = s.contains('.')
        && s.split('.').skip(1).all(|g| g.len() == 3)
        && s.split('.')
            .next()
            .is_some_and(|g| (1..=3).contains(&g.len()));
    let mut digits = String::new();
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | ',' | '\'' | '_' => {}
            '.' if dot_groups => {}
            _ => return None,
        }
    }
    if digits.len() > 12 {
        return None;
    }
    digits.parse().ok()
}

/// Highway values that are not streets one lives on or walks along.
const NOT_STREETS: &[&str] = &[
    "platform",
    "bus_stop",
    "proposed",
    "construction",
    "abandoned",
    "razed",
    "elevator",
    "emergency_access_point",
    "services",
    "rest_area",
    "street_lamp",
];

/// An element of pass 1 that needs node coordinates from pass 2.
#[derive(Debug)]
enum Pending {
    Address(OsmAddress),
    Street(OsmStreet),
    Place(OsmPlace),
}

/// What one block adds (pass 1).
#[derive(Debug, Default)]
pub(crate) struct GazetteerChunk {
    done: OsmGazetteer,
    /// Elements of ways, with the range of `refs` whose centroid (streets: the one middle
    /// node) locates them.
    pending: Vec<(Pending, usize, usize)>,
    refs: Vec<i64>,
}

fn fixed_pos(lon: i32, lat: i32) -> Option<LonLat> {
    let p = LonLat::new(from_fixed(lon), from_fixed(lat));
    p.is_valid().then_some(p)
}

fn address(tags: &[(&str, &str)], source: OsmRef, location: LonLat) -> Option<OsmAddress> {
    let get = |k| tag(tags, k).map(str::trim).unwrap_or("").to_owned();
    let a = OsmAddress {
        source,
        location,
        housenumber: get("addr:housenumber"),
        street: get("addr:street"),
        place: get("addr:place"),
        city: get("addr:city"),
        postcode: get("addr:postcode"),
    };
    let named = !a.street.is_empty() || !a.place.is_empty();
    (!a.housenumber.is_empty() && named).then_some(a)
}

fn place(tags: &[(&str, &str)], source: OsmRef, location: LonLat) -> Option<OsmPlace> {
    let kind = PlaceKind::from_tag(tag(tags, "place")?)?;
    let names = Names::from_tags(tags);
    (!names.is_empty()).then(|| OsmPlace {
        source,
        kind,
        names,
        population: tag(tags, "population").and_then(parse_population),
        location,
    })
}

impl GazetteerChunk {
    /// Gathers the records of one decoded block.
    pub(crate) fn add_block(&mut self, block: &PrimitiveBlock) {
        let mut tags: Vec<(&str, &str)> = Vec::new();
        for group in block.groups() {
            for n in group.dense_nodes() {
                tags.clear();
                tags.extend(n.tags());
                self.add_node(&tags, n.id(), n.decimicro_lon(), n.decimicro_lat());
            }
            for n in group.nodes() {
                tags.clear();
                tags.extend(n.tags());
                self.add_node(&tags, n.id(), n.decimicro_lon(), n.decimicro_lat());
            }
            for w in group.ways() {
                tags.clear();
                tags.extend(w.tags());
                if !tags.is_empty() {
                    self.add_way(&tags, w.id(), w.raw_refs());
                }
            }
        }
    }

    fn add_node(&mut self, tags: &[(&str, &str)], id: i64, lon: i32, lat: i32) {
        if tags.is_empty() {
            return;
        }
        let Some(at) = fixed_pos(lon, lat) else {
            return;
        };
        let source = OsmRef {
            kind: ElementKind::Node,
            id,
        };
        if let Some(a) = address(tags, source, at) {
            self.done.addresses.push(a);
        }
        if let Some(p) = place(tags, source, at) {
            self.done.places.push(p);
        }
    }

    fn add_way(&mut self, tags: &[(&str, &str)], id: i64, raw_refs: &[i64]) {
        let source = OsmRef {
            kind: ElementKind::Way,
            id,
        };
        let nowhere = LonLat::default();
        let mut wanted = Vec::new();
        if let Some(a) = address(tags, source, nowhere) {
            wanted.push(Pending::Address(a));
        }
        let closed = raw_refs.len() >= 4
            && raw_refs
                .iter()
                .skip(1)
                .fold(0i64, |a, d| a.wrapping_add(*d))
                == 0;
        if closed && let Some(p) = place(tags, source, nowhere) {
            wanted.push(Pending::Place(p));
        }
        if tag(tags, "highway").is_some_and(|h| !NOT_STREETS.contains(&h)) {
            let names = Names::from_tags(tags);
            if !names.is_empty() {
                wanted.push(Pending::Street(OsmStreet {
                    way: id,
                    names,
                    location: nowhere,
                    num_nodes: raw_refs.len(),
                }));
            }
        }
        if wanted.is_empty() || raw_refs.is_empty() {
            return;
        }
        // Delta-coded ids, summed with wrapping arithmetic: a corrupt block must not
        // overflow-panic.
        let first = self.refs.len();
        let mut node = 0i64;
        self.refs.extend(raw_refs.iter().map(|d| {
            node = node.wrapping_add(*d);
            node
        }));
        let mut end = self.refs.len();
        if end - first > 1 && self.refs[first] == self.refs[end - 1] {
            end -= 1; // the closing node is not counted twice in a centroid
        }
        let mid = first + (end - first) / 2;
        for p in wanted {
            let range = match p {
                Pending::Street(_) => (mid, mid + 1),
                Pending::Address(_) | Pending::Place(_) => (first, end),
            };
            self.pending.push((p, range.0, range.1));
        }
    }

    /// The node ids whose coordinates pass 2 must find.
    pub(crate) fn refs(&self) -> &[i64] {
        &self.refs
    }
}

/// Joins the chunks of pass 1 with the coordinates of pass 2: `needed` is the sorted,
/// deduplicated list of every chunk's [`GazetteerChunk::refs`], `coords[i]` the position of
/// `needed[i]` when the file has it.
pub(crate) fn finish(
    chunks: Vec<GazetteerChunk>,
    needed: &[i64],
    coords: &[Option<LonLat>],
) -> OsmGazetteer {
    let mut out = OsmGazetteer::default();
    let mut ways = OsmGazetteer::default();
    for chunk in chunks {
        out.addresses.extend(chunk.done.addresses);
        out.places.extend(chunk.done.places);
        for (p, start, end) in chunk.pending {
            let Some(location) = centroid(&chunk.refs[start..end], needed, coords) else {
                continue;
            };
            match p {
                Pending::Address(a) => ways.addresses.push(OsmAddress { location, ..a }),
                Pending::Place(p) => ways.places.push(OsmPlace { location, ..p }),
                Pending::Street(s) => ways.streets.push(OsmStreet { location, ..s }),
            }
        }
    }
    out.addresses.append(&mut ways.addresses);
    out.places.append(&mut ways.places);
    out.streets = ways.streets;
    out
}

/// Mean position of the nodes of `refs` present in the file.
fn centroid(refs: &[i64], needed: &[i64], coords: &[Option<LonLat>]) -> Option<LonLat> {
    let (mut lon, mut lat, mut n) = (0.0, 0.0, 0u32);
    for r in refs {
        if let Some(p) = needed
            .binary_search(r)
            .ok()
            .and_then(|i| coords.get(i).copied().flatten())
        {
            lon += p.lon;
            lat += p.lat;
            n += 1;
        }
    }
    (n > 0).then(|| LonLat::new(lon / f64::from(n), lat / f64::from(n)))
}

/// A position from fixed-point coordinates read in pass 2, `None` when out of range.
pub(crate) fn node_pos(lon: i32, lat: i32) -> Option<LonLat> {
    fixed_pos(lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_forms() {
        assert_eq!(parse_population("1234"), Some(1234));
        assert_eq!(parse_population(" 1 234 "), Some(1234));
        assert_eq!(parse_population("1,234,567"), Some(1_234_567));
        assert_eq!(parse_population("~500"), Some(500));
        assert_eq!(parse_population("ca. 80"), Some(80));
        assert_eq!(parse_population("500+"), Some(500));
        assert_eq!(parse_population("1.234"), Some(1234));
        assert_eq!(parse_population("1.5"), None);
        assert_eq!(parse_population("unknown"), None);
        assert_eq!(parse_population(""), None);
        assert_eq!(parse_population("-5"), None);
        assert_eq!(parse_population("10-20"), None);
        assert_eq!(parse_population("99999999999999999999"), None);
    }

    #[test]
    fn names_iter_skips_repeats_and_blanks() {
        let n = Names {
            name: "Мясницкая улица".into(),
            name_ru: "Мясницкая улица".into(),
            name_en: "Myasnitskaya Street".into(),
        };
        assert_eq!(
            n.iter().collect::<Vec<_>>(),
            ["Мясницкая улица", "Myasnitskaya Street"]
        );
        assert_eq!(Names::default().display(), "");
    }

    #[test]
    fn way_without_refs_or_tags_is_ignored() {
        let mut c = GazetteerChunk::default();
        c.add_way(&[("addr:housenumber", "1"), ("addr:street", "A")], 1, &[]);
        assert!(c.pending.is_empty());
        c.add_way(&[("building", "yes")], 2, &[5, 1, 1]);
        assert!(c.pending.is_empty());
    }
}
