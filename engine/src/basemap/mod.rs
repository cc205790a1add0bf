//! The base map: what a map tile of the loaded graph shows (roads by class with their names,
//! and settlements), cut to the Web-Mercator tile grid that web maps use (`z/x/y`, as in
//! OpenStreetMap's tile URLs).
//!
//! A [`Basemap`] is built once per profile from its graph and the gazetteer's places:
//! every road of the graph (one piece per edge, both directions of a two-way road sharing
//! one) goes, in Web-Mercator coordinates, into the R-tree of its [`TileClass`]; places go
//! into one more. A tile ([`Basemap::tile`]) asks only the trees of the classes shown at its
//! zoom ([`TileClass::min_zoom`]), clips each road to the tile and a small buffer around it
//! ([`clip_polyline`]), rounds it to the tile's integer grid of [`EXTENT`] units a side and
//! simplifies it (Douglas–Peucker with the `geo` crate, tolerance [`SIMPLIFY_UNITS`]).
//! The wire encoding (Mapbox Vector Tiles) belongs to the server.

mod clip;

pub use clip::clip_polyline;

use geo::{LineString, Simplify};
use rstar::{AABB, RTree, RTreeObject};
use thiserror::Error;

use crate::geocode::Place;
use crate::graph::RoadGraph;
use crate::osm::{PlaceKind, RoadClass};
use crate::types::{EdgeId, LonLat};

/// Units a tile has a side (the Mapbox Vector Tile default).
pub const EXTENT: u32 = 4096;
/// Units of the buffer around a tile that roads are kept in, so lines meet across tiles.
pub const BUFFER: u32 = 64;
/// Douglas–Peucker tolerance, tile units (a 256-pixel tile shows 16 units a pixel).
pub const SIMPLIFY_UNITS: f64 = 2.0;
/// Highest zoom a tile may have.
pub const MAX_ZOOM: u8 = 18;
/// Web Mercator's latitude limit, degrees.
const MAX_LAT: f64 = 85.051_128_779_806_59;

/// Why a tile cannot be cut.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum BasemapError {
    /// `z` above [`MAX_ZOOM`], or `x`/`y` not below `2^z`.
    #[error("tile {z}/{x}/{y} does not exist: zoom must be 0..={MAX_ZOOM} and x, y below 2^zoom")]
    NoSuchTile {
        /// Zoom.
        z: u32,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
    },
}

/// A tile of the Web-Mercator grid: zoom, column from the west, row from the north.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileId {
    z: u8,
    x: u32,
    y: u32,
}

impl TileId {
    /// The tile `z/x/y`.
    ///
    /// # Errors
    /// [`BasemapError::NoSuchTile`] for a zoom above [`MAX_ZOOM`] or `x`/`y` not below `2^z`.
    ///
    /// # Examples
    /// ```
    /// use engine::basemap::TileId;
    /// assert!(TileId::new(14, 8_000, 6_000).is_ok());
    /// assert!(TileId::new(1, 2, 0).is_err());
    /// assert!(TileId::new(19, 0, 0).is_err());
    /// ```
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self, BasemapError> {
        let err = BasemapError::NoSuchTile { z, x, y };
        let z8 = u8::try_from(z).map_err(|_| err.clone())?;
        if z8 > MAX_ZOOM || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
            return Err(err);
        }
        Ok(Self { z: z8, x, y })
    }

    /// The tile at zoom `z` holding a point (clamped to Web Mercator's latitudes).
    ///
    /// # Errors
    /// [`BasemapError::NoSuchTile`] for a zoom above [`MAX_ZOOM`].
    pub fn containing(z: u32, p: LonLat) -> Result<Self, BasemapError> {
        TileId::new(z, 0, 0)?;
        let [mx, my] = mercator(p);
        let n = f64::from(1u32 << z);
        let cell = |v: f64| {
            let c = (v * n).floor().clamp(0.0, n - 1.0);
            // In 0..2^18: fits.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let c = c as u32;
            c
        };
        TileId::new(z, cell(mx), cell(my))
    }

    /// Zoom.
    #[must_use]
    pub fn z(self) -> u32 {
        u32::from(self.z)
    }

    /// Column, from the west.
    #[must_use]
    pub fn x(self) -> u32 {
        self.x
    }

    /// Row, from the north.
    #[must_use]
    pub fn y(self) -> u32 {
        self.y
    }

    /// The tile's square in Web-Mercator coordinates (`0..1` from the west and the north),
    /// widened on each side by `buffer` tile units.
    fn square(self, buffer: f64) -> [f64; 4] {
        let n = f64::from(1u32 << self.z);
        let pad = buffer / f64::from(EXTENT) / n;
        [
            f64::from(self.x) / n - pad,
            f64::from(self.y) / n - pad,
            f64::from(self.x + 1) / n + pad,
            f64::from(self.y + 1) / n + pad,
        ]
    }

    /// A Web-Mercator point in this tile's units (`0..EXTENT` inside the tile).
    fn units(self, m: [f64; 2]) -> [f64; 2] {
        let n = f64::from(1u32 << self.z);
        let e = f64::from(EXTENT);
        [
            (m[0] * n - f64::from(self.x)) * e,
            (m[1] * n - f64::from(self.y)) * e,
        ]
    }
}

/// Web-Mercator coordinates of a point: `0..1` from the west (−180°) and from the north
/// (85.05°), latitudes clamped to Web Mercator's.
#[must_use]
pub fn mercator(p: LonLat) -> [f64; 2] {
    let lat = p.lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = (p.lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// What a road is drawn as: [`RoadClass`] folded into the classes a map styles apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileClass {
    /// Motorways and their ramps.
    Motorway,
    /// Trunk roads and their ramps.
    Trunk,
    /// Primary roads and their links.
    Primary,
    /// Secondary roads and their links.
    Secondary,
    /// Tertiary roads and their links.
    Tertiary,
    /// Unclassified, residential and living streets.
    Minor,
    /// Service roads.
    Service,
    /// Tracks (farm and forest roads).
    Track,
    /// Anything else routable: paths, footways, cycleways, pedestrian areas.
    Path,
    /// Ferry routes.
    Ferry,
}

impl TileClass {
    /// Every class, in drawing order (widest first).
    pub const ALL: [TileClass; 10] = [
        TileClass::Motorway,
        TileClass::Trunk,
        TileClass::Primary,
        TileClass::Secondary,
        TileClass::Tertiary,
        TileClass::Minor,
        TileClass::Service,
        TileClass::Track,
        TileClass::Path,
        TileClass::Ferry,
    ];

    /// The class a road of `class` is drawn as.
    #[must_use]
    pub fn of(class: RoadClass) -> Self {
        match class {
            RoadClass::Motorway | RoadClass::MotorwayLink => Self::Motorway,
            RoadClass::Trunk | RoadClass::TrunkLink => Self::Trunk,
            RoadClass::Primary | RoadClass::PrimaryLink => Self::Primary,
            RoadClass::Secondary | RoadClass::SecondaryLink => Self::Secondary,
            RoadClass::Tertiary | RoadClass::TertiaryLink => Self::Tertiary,
            RoadClass::Unclassified | RoadClass::Residential | RoadClass::LivingStreet => {
                Self::Minor
            }
            RoadClass::Service => Self::Service,
            RoadClass::Track => Self::Track,
            RoadClass::Ferry => Self::Ferry,
            RoadClass::Other => Self::Path,
        }
    }

    /// Its name in tiles: `motorway`, `trunk`, `primary`, `secondary`, `tertiary`, `minor`,
    /// `service`, `track`, `path`, `ferry`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Motorway => "motorway",
            Self::Trunk => "trunk",
            Self::Primary => "primary",
            Self::Secondary => "secondary",
            Self::Tertiary => "tertiary",
            Self::Minor => "minor",
            Self::Service => "service",
            Self::Track => "track",
            Self::Path => "path",
            Self::Ferry => "ferry",
        }
    }

    /// The lowest zoom whose tiles carry the class: main roads from a whole-region view,
    /// streets from a district view, service roads and paths from a street view.
    #[must_use]
    pub fn min_zoom(self) -> u32 {
        match self {
            Self::Motorway | Self::Trunk => 5,
            Self::Primary => 7,
            Self::Ferry => 8,
            Self::Secondary => 9,
            Self::Tertiary => 10,
            Self::Minor | Self::Track => 12,
            Self::Service | Self::Path => 14,
        }
    }

    /// Its place in [`TileClass::ALL`] (the declaration order).
    fn index(self) -> usize {
        self as usize
    }
}

/// The lowest zoom whose tiles carry places of `kind`.
#[must_use]
pub fn place_min_zoom(kind: PlaceKind) -> u32 {
    match kind {
        PlaceKind::City => 4,
        PlaceKind::Town => 8,
        PlaceKind::Village => 10,
        PlaceKind::Hamlet | PlaceKind::Suburb => 12,
        _ => 13,
    }
}

/// One road piece: an edge's polyline in Web-Mercator coordinates.
#[derive(Debug)]
struct Piece {
    edge: EdgeId,
    points: Vec<[f64; 2]>,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Piece {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// A place as the base map holds it.
#[derive(Debug)]
struct MapPlace {
    index: usize,
    at: [f64; 2],
}

impl RTreeObject for MapPlace {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.at)
    }
}

/// A road in a tile.
#[derive(Clone, Debug, PartialEq)]
pub struct TileRoad<'a> {
    /// The graph edge it draws (for a two-way road, the edge of the pair with the lower id).
    pub edge: EdgeId,
    /// Its class.
    pub class: TileClass,
    /// `name`, empty when untagged.
    pub name: &'a str,
    /// `ref`, empty when untagged.
    pub reference: &'a str,
    /// Its parts inside the buffered tile, in tile units (each of at least two distinct
    /// points).
    pub parts: Vec<Vec<[i32; 2]>>,
}

/// A place in a tile.
#[derive(Clone, Debug, PartialEq)]
pub struct TilePlace<'a> {
    /// Its index in the places the base map was built from.
    pub index: usize,
    /// The place.
    pub place: &'a Place,
    /// Where, in tile units.
    pub at: [i32; 2],
}

/// What one tile shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TileContent<'a> {
    /// Roads, widest class first.
    pub roads: Vec<TileRoad<'a>>,
    /// Places, biggest kind first.
    pub places: Vec<TilePlace<'a>>,
}

impl TileContent<'_> {
    /// `true` when the tile shows nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.roads.is_empty() && self.places.is_empty()
    }
}

/// The base map of one profile's graph (module docs). Immutable once built.
#[derive(Debug)]
pub struct Basemap {
    trees: Vec<RTree<Piece>>,
    places: Vec<Place>,
    place_tree: RTree<MapPlace>,
    bounds: Option<(LonLat, LonLat)>,
}

impl Basemap {
    /// The base map of `graph` with `places` (as [`crate::geocode::Gazetteer::places`]
    /// lists them; biggest kind first keeps the important names on top).
    #[must_use]
    pub fn new(graph: &RoadGraph, places: Vec<Place>) -> Self {
        let mut by_class: Vec<Vec<Piece>> = TileClass::ALL.iter().map(|_| Vec::new()).collect();
        let edges = u32::try_from(graph.num_edges()).unwrap_or(u32::MAX);
        for e in (0..edges).map(EdgeId) {
            if graph.edge_twin(e).is_some_and(|t| t < e) || graph.is_edge_copy(e) {
                continue;
            }
            let points: Vec<[f64; 2]> = graph.edge_geometry(e).into_iter().map(mercator).collect();
            let Some(envelope) = envelope_of(&points) else {
                continue;
            };
            by_class[TileClass::of(graph.edge_class(e)).index()].push(Piece {
                edge: e,
                points,
                envelope,
            });
        }
        let place_tree = RTree::bulk_load(
            places
                .iter()
                .enumerate()
                .map(|(index, p)| MapPlace {
                    index,
                    at: mercator(p.location),
                })
                .collect(),
        );
        Self {
            trees: by_class.into_iter().map(RTree::bulk_load).collect(),
            places,
            place_tree,
            bounds: graph.bbox(),
        }
    }

    /// The south-west and north-east corners of the graph, `None` for an empty one.
    #[must_use]
    pub fn bounds(&self) -> Option<(LonLat, LonLat)> {
        self.bounds
    }

    /// Number of road pieces (one per edge pair).
    #[must_use]
    pub fn num_roads(&self) -> usize {
        self.trees.iter().map(RTree::size).sum()
    }

    /// What tile `id` shows of `graph` (the graph this base map was built from).
    #[must_use]
    pub fn tile<'a>(&'a self, graph: &'a RoadGraph, id: TileId) -> TileContent<'a> {
        let sq = id.square(f64::from(BUFFER));
        let query = AABB::from_corners([sq[0], sq[1]], [sq[2], sq[3]]);
        let lo = -f64::from(BUFFER);
        let hi = f64::from(EXTENT + BUFFER);
        let mut roads = Vec::new();
        for class in TileClass::ALL {
            if id.z() < class.min_zoom() {
                continue;
            }
            let mut found: Vec<&Piece> = self.trees[class.index()]
                .locate_in_envelope_intersecting(&query)
                .collect();
            found.sort_unstable_by_key(|p| p.edge);
            for piece in found {
                let local: Vec<[f64; 2]> = piece.points.iter().map(|&m| id.units(m)).collect();
                let parts: Vec<Vec<[i32; 2]>> = clip_polyline(&local, [lo, lo, hi, hi])
                    .into_iter()
                    .filter_map(|part| grid_line(&part))
                    .collect();
                if parts.is_empty() {
                    continue;
                }
                roads.push(TileRoad {
                    edge: piece.edge,
                    class,
                    name: graph.edge_name(piece.edge),
                    reference: graph.edge_ref(piece.edge),
                    parts,
                });
            }
        }
        let sq = id.square(0.0);
        let inside = AABB::from_corners([sq[0], sq[1]], [sq[2], sq[3]]);
        let mut places: Vec<TilePlace<'a>> = self
            .place_tree
            .locate_in_envelope(&inside)
            .filter(|m| id.z() >= place_min_zoom(self.places[m.index].kind))
            .map(|m| {
                let u = id.units(m.at);
                TilePlace {
                    index: m.index,
                    place: &self.places[m.index],
                    at: [round_unit(u[0]), round_unit(u[1])],
                }
            })
            .collect();
        places.sort_unstable_by_key(|p| p.index);
        TileContent { roads, places }
    }
}

fn envelope_of(points: &[[f64; 2]]) -> Option<AABB<[f64; 2]>> {
    if points.len() < 2
        || points
            .iter()
            .any(|p| !p[0].is_finite() || !p[1].is_finite())
    {
        return None;
    }
    Some(AABB::from_points(points.iter()))
}

/// Rounds to the nearest unit (tile units stay within a few times the extent: fits).
#[allow(clippy::cast_possible_truncation)]
fn round_unit(v: f64) -> i32 {
    v.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
}

/// A clipped part on the tile's integer grid, simplified; `None` when it shrinks to a point.
fn grid_line(part: &[[f64; 2]]) -> Option<Vec<[i32; 2]>> {
    let line: LineString<f64> = part.iter().map(|&[x, y]| (x, y)).collect();
    let simple = line.simplify(SIMPLIFY_UNITS);
    let mut out: Vec<[i32; 2]> = Vec::with_capacity(simple.0.len());
    for c in simple.coords() {
        let p = [round_unit(c.x), round_unit(c.y)];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    (out.len() >= 2).then_some(out)
}

#[cfg(test)]
mod basemap_tests;
