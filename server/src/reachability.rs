//! The wire form of a reachability report ([`engine::reachability`]): one JSON object per
//! point, shared by `POST /v1/reachability` and `vmeste reach` (CSV and GeoJSON).

use engine::reachability::{Reach, Unreachable};
use serde::Serialize;
use serde_json::{Value, json};

/// Whether one point can be reached, and how, or why not.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReachOut {
    /// `true` when a route leads from the origin to the point.
    pub reachable: bool,
    /// Travel time of the fastest route, in seconds (null when unreachable).
    pub duration_s: Option<f64>,
    /// Length of that route, in metres (null when unreachable).
    pub distance_m: Option<f64>,
    /// Why the point cannot be reached (null when it can).
    pub reason: Option<ReasonOut>,
}

/// Why a point cannot be reached. `kind` says which fields are present:
/// `no_road_nearby` (`nearest_road_m`, `radius_m`), `island` (`component_size`, `road_m`,
/// `gap_m`: from the point's road to the nearest road of the connected network, the last
/// kilometres on foot), `origin_island` (`component_size`, `gap_m` of the origin's island),
/// `ferry_only` (`ferry_way`, `ferry_name`), `excluded_only` (`excluded_class`,
/// `excluded_way`, `excluded_name`: the first road of an excluded class on the way),
/// `other_mode_only` (`modes`), `no_route`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReasonOut {
    /// `no_road_nearby`, `island`, `origin_island`, `ferry_only`, `excluded_only`,
    /// `other_mode_only` or `no_route`.
    pub kind: String,
    /// Distance from the point to the nearest road of the profile, in metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_road_m: Option<f64>,
    /// The radius searched for a road, in metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius_m: Option<f64>,
    /// Number of junctions of the island.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_size: Option<u32>,
    /// Distance from the point to its road on the island, in metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub road_m: Option<f64>,
    /// Distance from the island to the nearest road of the connected network, in metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_m: Option<f64>,
    /// OSM way id of the ferry on the way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ferry_way: Option<i64>,
    /// Name of that ferry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ferry_name: Option<String>,
    /// The excluded class (`motorway`, `toll`, `unpaved`) of the road the point needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_class: Option<String>,
    /// OSM way id of that road.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_way: Option<i64>,
    /// Name of that road.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_name: Option<String>,
    /// The other profiles that reach the point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modes: Option<Vec<String>>,
}

/// Metres rounded to 0.1, as the routing answers print them.
fn m(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl From<&Unreachable> for ReasonOut {
    fn from(u: &Unreachable) -> Self {
        let base = Self {
            kind: u.kind().to_owned(),
            ..Self::default()
        };
        match u {
            Unreachable::NoRoadNearby {
                nearest_road_m,
                radius_m,
            } => Self {
                nearest_road_m: nearest_road_m.map(m),
                radius_m: Some(*radius_m),
                ..base
            },
            Unreachable::Island {
                component_size,
                road_m,
                gap_m,
            } => Self {
                component_size: Some(*component_size),
                road_m: Some(m(*road_m)),
                gap_m: gap_m.map(m),
                ..base
            },
            Unreachable::OriginIsland {
                component_size,
                gap_m,
            } => Self {
                component_size: Some(*component_size),
                gap_m: gap_m.map(m),
                ..base
            },
            Unreachable::FerryOnly { way, name } => Self {
                ferry_way: Some(way.0),
                ferry_name: Some(name.clone()),
                ..base
            },
            Unreachable::ExcludedOnly { class, way, name } => Self {
                excluded_class: Some(class.name().to_owned()),
                excluded_way: Some(way.0),
                excluded_name: Some(name.clone()),
                ..base
            },
            Unreachable::OtherModeOnly { modes } => Self {
                modes: Some(modes.clone()),
                ..base
            },
            // `no_route`: the kind says it all.
            _ => base,
        }
    }
}

impl From<&Reach> for ReachOut {
    fn from(r: &Reach) -> Self {
        Self {
            reachable: r.reachable,
            duration_s: r.duration_s.map(m),
            distance_m: r.distance_m.map(m),
            reason: r.reason.as_ref().map(ReasonOut::from),
        }
    }
}

/// The report as a GeoJSON `FeatureCollection`: one `Point` feature per point (at the point
/// as given), with the result's fields in its properties, the reason's flattened with a
/// `reason_` prefix, and `extra` (a name, an index) merged in.
#[must_use]
pub fn geojson(points: &[[f64; 2]], results: &[ReachOut], extra: &[Value]) -> Value {
    let features: Vec<Value> = points
        .iter()
        .zip(results)
        .enumerate()
        .map(|(i, (p, r))| {
            let mut props = serde_json::Map::new();
            props.insert("index".into(), json!(i));
            if let Some(Value::Object(more)) = extra.get(i) {
                props.extend(more.clone());
            }
            props.insert("reachable".into(), json!(r.reachable));
            props.insert("duration_s".into(), json!(r.duration_s));
            props.insert("distance_m".into(), json!(r.distance_m));
            if let Some(Value::Object(reason)) = r.reason.as_ref().map(|x| json!(x)) {
                for (k, v) in reason {
                    props.insert(format!("reason_{k}"), v);
                }
            }
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p[0], p[1]]},
                "properties": props,
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}
