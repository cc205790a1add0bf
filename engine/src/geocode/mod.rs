//! Geocoding on the addresses, streets and places of the extract a graph came from.
//!
//! A [`Gazetteer`] is built at import from an [`OsmGazetteer`] ([`Gazetteer::from_osm`]),
//! stored in the graph file as the section [`SECTION`] ([`Gazetteer::to_bytes`]) and read
//! back with [`Gazetteer::from_bytes`]. It answers:
//! - [`Gazetteer::search`]: free text (`ул. Мясницкая, д. 20`, `Myasnitskaya 20`,
//!   `Boulevard des Moulins`) → matches with a [`confidence`](GeocodeMatch::confidence);
//! - [`Gazetteer::reverse`]: the nearest address to a point;
//! - [`Gazetteer::places`]: settlements and other places, by bounding box and name.
//!
//! # How a query is read
//! The text is cut into tokens and normalised (`normalize`: case, `ё`, punctuation,
//! street-type abbreviations, house-number forms, Cyrillic ↔ Latin by a common Latin
//! skeleton). Tokens led by a digit form house-number candidates (`20`, `20 стр 1`,
//! `12к1`, `12/3`); each candidate in turn is taken as the house number and the other
//! tokens as the name. Names are grouped by their token set (so word order does not count),
//! and the groups are found through an inverted index of words with typo and prefix
//! lookup (`index`). Work is bounded: at most [`MAX_QUERY_BYTES`] bytes and
//! [`MAX_QUERY_TOKENS`] tokens, a few house-number candidates, and the best
//! [`MAX_CANDIDATES`] name groups per candidate are scored.
//!
//! # Confidence
//! For a name group and a set of query tokens, each name word takes its best
//! similarity to a query word (1 exact, 0.92 at most for a typo, 0.75 for a prefix, 0.8 for
//! an initial); the name score `ec` is their weighted mean (type words weigh 0.1). Each
//! query word takes its best similarity to the name, the address's city, place and
//! postcode, or the street's locality (0.7 for a word that names some locality of the
//! extract); `qc` is their weighted mean (type words and single letters weigh 0.3). The
//! match score is `s = ec · (0.4 + 0.6 · qc)`; groups with `s < 0.5` are dropped. Then:
//!
//! | answer | confidence |
//! |---|---|
//! | the house number found exactly (`House`) | `0.5 + 0.5 s` |
//! | the same number with another suffix (`20` for `20с1`) | `0.35 + 0.4 s` |
//! | a street, no number asked | `0.35 + 0.55 s` |
//! | a street, the number asked is not on it | `0.25 + 0.35 s` |
//! | a place, no number asked | `0.3 + 0.5 s` |
//! | a place, the number asked is not in it | `0.2 + 0.35 s` |
//!
//! So an exact street and number score 1.0, a street without the number asked at most
//! 0.6, and one typo in a long street name costs about 0.07.
//!
//! # Examples
//! ```
//! use engine::geocode::{Gazetteer, MatchKind};
//! use engine::osm::{ElementKind, OsmAddress, OsmGazetteer, OsmRef};
//! use engine::types::LonLat;
//! let mut osm = OsmGazetteer::default();
//! osm.addresses.push(OsmAddress {
//!     source: OsmRef { kind: ElementKind::Way, id: 1 },
//!     location: LonLat::new(37.636, 55.762),
//!     housenumber: "20с1".into(),
//!     street: "Мясницкая улица".into(),
//!     place: String::new(),
//!     city: "Москва".into(),
//!     postcode: String::new(),
//! });
//! let g = Gazetteer::from_osm(&osm);
//! let found = g.search("Myasnitskaya ul. 20 str 1", 5)?;
//! assert_eq!(found[0].kind, MatchKind::House);
//! assert!(found[0].confidence > 0.9);
//! # Ok::<(), engine::geocode::GeocodeError>(())
//! ```

mod error;
mod index;
mod normalize;
mod search;
mod store;

use std::collections::{BTreeMap, HashMap, HashSet};

use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::{Deserialize, Serialize};

pub use error::GeocodeError;

use crate::osm::{Names, OsmAddress, OsmGazetteer, OsmPlace, OsmRef, PlaceKind};
use crate::types::{LonLat, haversine_m};
use index::WordIndex;
use normalize::{HouseKey, Token};

/// Name of the graph-file section holding the gazetteer.
pub const SECTION: &str = "geocode.gazetteer";
/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1024;
/// Most tokens (words, numbers) a query may have.
pub const MAX_QUERY_TOKENS: usize = 32;
/// Most answers one search may ask for.
pub const MAX_LIMIT: usize = 100;
/// Most places one [`Gazetteer::places`] call may ask for.
pub const MAX_PLACES_LIMIT: usize = 100_000;
/// Name groups scored per house-number candidate of a query.
pub const MAX_CANDIDATES: usize = 200;

/// A street: one per distinct (name, locality), at a representative point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Street {
    /// Its names.
    pub names: Names,
    /// The settlement nearest to it (its locality), `""` when the extract has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub locality: String,
    /// The middle node of its longest way.
    pub location: LonLat,
}

/// What a match is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// An address (house number on a street or in a place).
    House,
    /// A street (at its representative point).
    Street,
    /// A place (settlement, suburb, locality).
    Place,
}

/// How the house number of the query was matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseMatch {
    /// Found as asked.
    Exact,
    /// The same number with another suffix or building part (`20` for `20с1`).
    SameNumber,
    /// Asked but not found: the answer is the street or place.
    NotFound,
    /// The query had no number.
    NotAsked,
}

/// The parts of a query a match answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchedParts {
    /// The stored name that matched (a street's or place's name, `name:ru` or `name:en`).
    pub name: String,
    /// The house number as read from the query (normalised), if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub housenumber: Option<String>,
    /// How the house number matched.
    pub house: HouseMatch,
    /// The match score `s` of the name and the other words (module docs).
    pub score: f64,
}

/// One answer of [`Gazetteer::search`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeocodeMatch {
    /// A line to show: `Мясницкая улица, 20с1, Москва`.
    pub label: String,
    /// Where it is.
    pub location: LonLat,
    /// House, street or place.
    pub kind: MatchKind,
    /// The street (houses on a street, streets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// The house number as stored (houses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub housenumber: Option<String>,
    /// `addr:place` of a house, or the place's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// `addr:city` of a house, or a street's locality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `addr:postcode` of a house.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// The OSM element of a house or place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<OsmRef>,
    /// What matched.
    pub matched: MatchedParts,
    /// How sure the answer is, `0..=1` (module docs).
    pub confidence: f64,
}

/// The answer of [`Gazetteer::reverse`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReverseMatch {
    /// The nearest address (confidence `1 / (1 + distance_m / 50)`).
    pub address: GeocodeMatch,
    /// Its distance from the point, metres.
    pub distance_m: f64,
}

/// A place of [`Gazetteer::places`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// `name` (or `name:ru`, `name:en` when untagged).
    pub name: String,
    /// `name:ru`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_ru: Option<String>,
    /// `name:en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Its kind.
    pub kind: PlaceKind,
    /// `population`, when tagged and readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Where it is.
    pub location: LonLat,
    /// Its OSM element.
    pub source: OsmRef,
}

/// Names that normalise to the same tokens, and what carries them.
#[derive(Debug, Default)]
struct Group {
    /// The first name seen with these tokens.
    name: String,
    tokens: Vec<Token>,
    streets: Vec<u32>,
    places: Vec<u32>,
    addresses: Vec<u32>,
}

type Indexed = GeomWithData<[f64; 2], u32>;

/// Addresses, streets and places of one extract, indexed for [`search`](Self::search),
/// [`reverse`](Self::reverse) and [`places`](Self::places). Immutable once built.
#[derive(Debug)]
pub struct Gazetteer {
    addresses: Vec<OsmAddress>,
    /// Keys of each address's house number (one per part of `8,8a`).
    house_keys: Vec<Vec<HouseKey>>,
    streets: Vec<Street>,
    places: Vec<OsmPlace>,
    groups: Vec<Group>,
    words: WordIndex,
    /// Skeletons of the words of every settlement name, city and postcode.
    locality_words: HashSet<String>,
    /// Addresses in the plane `(lon · cos_lat, lat)`.
    address_tree: RTree<Indexed>,
    cos_lat: f64,
}

impl Gazetteer {
    /// Builds the gazetteer of an extract: streets are merged per (name, locality), the
    /// locality of a street being its nearest settlement (city to isolated dwelling), and
    /// represented by the middle node of their longest way.
    #[must_use]
    pub fn from_osm(osm: &OsmGazetteer) -> Self {
        let streets = merge_streets(osm);
        Self::from_records(osm.addresses.clone(), streets, osm.places.clone())
    }

    /// The section bytes of the gazetteer of an extract without building its index: what
    /// [`Gazetteer::from_osm`] then [`Gazetteer::to_bytes`] give, for the import.
    #[must_use]
    pub fn section_from_osm(osm: &OsmGazetteer) -> Vec<u8> {
        store::encode(&osm.addresses, &merge_streets(osm), &osm.places)
    }

    /// Reads a gazetteer from its section bytes ([`Gazetteer::to_bytes`]).
    ///
    /// # Errors
    /// [`GeocodeError::Malformed`] for damaged bytes, another version or invalid records.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, GeocodeError> {
        let (addresses, streets, places) = store::decode(bytes)?;
        Ok(Self::from_records(addresses, streets, places))
    }

    /// The section bytes of this gazetteer (see [`SECTION`]).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        store::encode(&self.addresses, &self.streets, &self.places)
    }

    /// All addresses.
    #[must_use]
    pub fn addresses(&self) -> &[OsmAddress] {
        &self.addresses
    }

    /// All streets (one per name and locality).
    #[must_use]
    pub fn streets(&self) -> &[Street] {
        &self.streets
    }

    /// All places, unfiltered.
    #[must_use]
    pub fn all_places(&self) -> &[OsmPlace] {
        &self.places
    }

    fn from_records(
        addresses: Vec<OsmAddress>,
        streets: Vec<Street>,
        places: Vec<OsmPlace>,
    ) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut by_key: HashMap<Vec<Token>, u32> = HashMap::new();
        let mut group_of = |name: &str, groups: &mut Vec<Group>| -> Option<usize> {
            let tokens = normalize::name_tokens(name);
            if tokens.is_empty() {
                return None;
            }
            let mut key = tokens.clone();
            key.sort();
            let id = *by_key.entry(key).or_insert_with(|| {
                groups.push(Group {
                    name: name.to_owned(),
                    tokens,
                    ..Group::default()
                });
                u32::try_from(groups.len() - 1).expect("fewer than u32::MAX groups")
            });
            Some(id as usize)
        };
        let id32 = |i: usize| u32::try_from(i).expect("fewer than u32::MAX records (checked)");
        for (i, s) in streets.iter().enumerate() {
            for n in s.names.iter() {
                if let Some(g) = group_of(n, &mut groups) {
                    push_once(&mut groups[g].streets, id32(i));
                }
            }
        }
        for (i, p) in places.iter().enumerate() {
            for n in p.names.iter() {
                if let Some(g) = group_of(n, &mut groups) {
                    push_once(&mut groups[g].places, id32(i));
                }
            }
        }
        for (i, a) in addresses.iter().enumerate() {
            let n = if a.street.is_empty() {
                &a.place
            } else {
                &a.street
            };
            if let Some(g) = group_of(n, &mut groups) {
                push_once(&mut groups[g].addresses, id32(i));
            }
        }
        let house_keys = addresses
            .iter()
            .map(|a| {
                a.housenumber
                    .split([',', ';'])
                    .filter_map(HouseKey::parse)
                    .collect()
            })
            .collect();
        let words = WordIndex::build(groups.iter().map(|g| g.tokens.as_slice()));
        let mut locality_words = HashSet::new();
        let settlement_names = places
            .iter()
            .filter(|p| p.kind != PlaceKind::Locality)
            .flat_map(|p| p.names.iter());
        let address_places = addresses
            .iter()
            .flat_map(|a| [a.city.as_str(), a.postcode.as_str()]);
        for n in settlement_names.chain(address_places) {
            for t in normalize::tokens(n, 8) {
                if let Token::Word(w) | Token::Number(w) = t {
                    locality_words.insert(w);
                }
            }
        }
        let cos_lat = mean_cos_lat(addresses.iter().map(|a| a.location));
        let address_tree = RTree::bulk_load(
            addresses
                .iter()
                .enumerate()
                .map(|(i, a)| Indexed::new(plane(a.location, cos_lat), id32(i)))
                .collect(),
        );
        Self {
            addresses,
            house_keys,
            streets,
            places,
            groups,
            words,
            locality_words,
            address_tree,
            cos_lat,
        }
    }

    /// The address nearest to `at`, `None` when there is none or `at` is not a valid
    /// WGS84 position.
    #[must_use]
    pub fn reverse(&self, at: LonLat) -> Option<ReverseMatch> {
        if !at.is_valid() {
            return None;
        }
        // The plane is exact enough to find a few candidates; the answer is the nearest of
        // them by haversine.
        let q = plane(at, self.cos_lat);
        let (i, d) = self
            .address_tree
            .nearest_neighbor_iter(&q)
            .take(8)
            .map(|e| {
                let i = e.data as usize;
                (i, haversine_m(at, self.addresses[i].location))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))?;
        let mut address = self.house_match(i, None, String::new(), 1.0, HouseMatch::NotAsked);
        address.confidence = 1.0 / (1.0 + d / 50.0);
        Some(ReverseMatch {
            address,
            distance_m: d,
        })
    }

    /// A house answer for address `i`.
    fn house_match(
        &self,
        i: usize,
        asked: Option<&HouseKey>,
        matched_name: String,
        score: f64,
        house: HouseMatch,
    ) -> GeocodeMatch {
        let a = &self.addresses[i];
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let named = if a.street.is_empty() {
            &a.place
        } else {
            &a.street
        };
        let mut label = format!("{named}, {}", a.housenumber);
        if !a.city.is_empty() && a.city != *named {
            label.push_str(", ");
            label.push_str(&a.city);
        }
        GeocodeMatch {
            label,
            location: a.location,
            kind: MatchKind::House,
            street: opt(&a.street),
            housenumber: Some(a.housenumber.clone()),
            place: opt(&a.place),
            city: opt(&a.city),
            postcode: opt(&a.postcode),
            source: Some(a.source),
            matched: MatchedParts {
                name: if matched_name.is_empty() {
                    named.clone()
                } else {
                    matched_name
                },
                housenumber: asked.map(|k| k.full.clone()),
                house,
                score,
            },
            confidence: 1.0,
        }
    }
}

fn push_once(v: &mut Vec<u32>, x: u32) {
    if v.last() != Some(&x) {
        v.push(x);
    }
}

/// A position in the plane where a degree of longitude is as long as one of latitude.
fn plane(p: LonLat, cos_lat: f64) -> [f64; 2] {
    [p.lon * cos_lat, p.lat]
}

fn mean_cos_lat(points: impl Iterator<Item = LonLat>) -> f64 {
    let (mut sum, mut n) = (0.0, 0.0);
    for p in points {
        sum += p.lat;
        n += 1.0;
    }
    if n == 0.0 {
        1.0
    } else {
        (sum / n).to_radians().cos().max(0.01)
    }
}

/// One street per (display name, nearest settlement), at the middle of its longest way.
fn merge_streets(osm: &OsmGazetteer) -> Vec<Street> {
    let settlements: Vec<&OsmPlace> = osm
        .places
        .iter()
        .filter(|p| p.kind.is_settlement())
        .collect();
    let cos_lat = mean_cos_lat(osm.streets.iter().map(|s| s.location));
    let tree: RTree<Indexed> = RTree::bulk_load(
        settlements
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let i = u32::try_from(i).expect("fewer than u32::MAX places");
                Indexed::new(plane(p.location, cos_lat), i)
            })
            .collect(),
    );
    // (name, locality) → (nodes, way id, street): the longest way wins, then the lowest id.
    let mut best: BTreeMap<(String, String), (usize, i64, Street)> = BTreeMap::new();
    for s in &osm.streets {
        let locality = tree
            .nearest_neighbor(&plane(s.location, cos_lat))
            .map(|e| settlements[e.data as usize].names.display().to_owned())
            .unwrap_or_default();
        let key = (s.names.display().to_owned(), locality.clone());
        let better = best
            .get(&key)
            .is_none_or(|(n, id, _)| (s.num_nodes, -s.way) > (*n, -*id));
        if better {
            let street = Street {
                names: s.names.clone(),
                locality,
                location: s.location,
            };
            best.insert(key, (s.num_nodes, s.way, street));
        }
    }
    best.into_values().map(|(_, _, s)| s).collect()
}

#[cfg(test)]
#[path = "geocode_tests.rs"]
mod tests;
