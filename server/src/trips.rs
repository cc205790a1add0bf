//! The wire form of a planned multi-day trip ([`engine::trips`]): the JSON itinerary shared
//! by `POST /v1/trips/remote` and `vmeste plan-trip --json`, its GeoJSON form (RFC 7946: a
//! `LineString` on the roads per vehicle day, a `Point` per visit, per night and per
//! settlement left out), and the parsers of clock times (`09:00-19:00`) and durations (`6h`,
//! `5h30m`, `90m`, `3600s`, `3600`) that both take.

use engine::trips::{DayWindow, NightAt, RoadItinerary, RoadTrip, Unplanned};
use engine::types::LonLat;
use serde::Serialize;
use serde_json::{Value, json};

use crate::reachability::ReasonOut;

/// `HH:MM` (or `H:MM`, up to `24:00`) as seconds after midnight.
///
/// # Errors
/// What is wrong with the text.
pub fn parse_clock(s: &str) -> Result<u32, String> {
    let bad = || format!("{s:?} is not a time of day HH:MM");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 3_600 + m * 60)
}

/// `HH:MM-HH:MM` as a span of the day.
///
/// # Errors
/// What is wrong with the text (not two times, or the end not after the start).
pub fn parse_hours(s: &str) -> Result<DayWindow, String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("{s:?} is not a span HH:MM-HH:MM"))?;
    let w = DayWindow {
        start_s: parse_clock(a)?,
        end_s: parse_clock(b)?,
    };
    if w.end_s <= w.start_s {
        return Err(format!("{s:?} ends before it starts"));
    }
    Ok(w)
}

/// A duration: `6h`, `5h30m`, `90m`, `3600s` or plain seconds.
///
/// # Errors
/// What is wrong with the text.
pub fn parse_duration(s: &str) -> Result<u32, String> {
    let bad = || format!("{s:?} is not a duration such as 6h, 5h30m, 90m or 3600s");
    let t = s.trim();
    if let Ok(secs) = t.parse::<u32>() {
        return Ok(secs);
    }
    let (mut total, mut num) = (0_u64, String::new());
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total += n * unit;
        num.clear();
    }
    if !num.is_empty() || t.is_empty() {
        return Err(bad());
    }
    u32::try_from(total).map_err(|_| bad())
}

/// Seconds after midnight as `HH:MM` (rounded down to the minute).
#[must_use]
pub fn clock(s: u32) -> String {
    format!("{:02}:{:02}", s / 3_600, s % 3_600 / 60)
}

/// A place on the itinerary.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlaceOut {
    /// `home`, `settlement` or `lodging`.
    pub kind: String,
    /// Its name (the headquarters is `home`).
    pub name: String,
    /// Index among the settlements or lodging points given (absent for home).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// One visit.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StopOut {
    /// Position in the day, from 1.
    pub order: usize,
    /// Index among the settlements given.
    pub settlement: usize,
    /// Its name.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Arrival, `HH:MM`.
    pub arrival: String,
    /// Departure, `HH:MM`.
    pub departure: String,
    /// Arrival, seconds after midnight.
    pub arrival_s: u32,
    /// Start of the service, seconds after midnight.
    pub start_s: u32,
    /// Departure, seconds after midnight.
    pub departure_s: u32,
    /// Waiting for its window, seconds.
    pub waiting_s: u32,
}

/// One day of one vehicle.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DayOut {
    /// The day, from 1.
    pub day: u32,
    /// Where it starts.
    pub from: PlaceOut,
    /// Leaving, `HH:MM`.
    pub leave: String,
    /// The visits in order.
    pub stops: Vec<StopOut>,
    /// Where the night is spent.
    pub night: PlaceOut,
    /// Arrival there, `HH:MM`.
    pub arrive: String,
    /// Driving, seconds.
    pub driving_s: u32,
    /// Distance, metres.
    pub distance_m: u32,
}

/// The days of one vehicle.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VehicleOut {
    /// The vehicle, from 1.
    pub vehicle: usize,
    /// Every day of the trip.
    pub days: Vec<DayOut>,
}

/// A settlement left out, and why.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnplannedOut {
    /// Index among the settlements given.
    pub settlement: usize,
    /// Its name.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// `not_reachable`, `service_longer_than_day`, `does_not_fit_in_day`,
    /// `outside_windows`, `driving_limit` or `out_of_days`.
    pub reason: String,
    /// One sentence for the coordinator.
    pub message: String,
    /// For `not_reachable`: the reachability report's reason (island, no road nearby, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachability: Option<ReasonOut>,
}

/// Totals of the trip.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SummaryOut {
    /// Settlements given.
    pub settlements: usize,
    /// Settlements visited.
    pub visited: usize,
    /// Driving of all vehicles and days, seconds.
    pub driving_s: u64,
    /// Distance of all vehicles and days, metres.
    pub distance_m: u64,
}

/// A planned trip.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TripAnswer {
    /// The profile routed on.
    pub profile: String,
    /// `home`, `settlement` or `lodging`.
    pub overnight: String,
    /// Days of the trip.
    pub days: u32,
    /// Working hours, `HH:MM-HH:MM`.
    pub hours: String,
    /// Daily driving limit, seconds.
    pub max_driving_s: u32,
    /// Totals.
    pub summary: SummaryOut,
    /// Per vehicle, every day.
    pub vehicles: Vec<VehicleOut>,
    /// Settlements left out, with the reason.
    pub unplanned: Vec<UnplannedOut>,
}

fn place(trip: &RoadTrip, at: NightAt) -> PlaceOut {
    let (name, index, p) = match at {
        NightAt::Home => ("home".to_owned(), None, trip.origin),
        NightAt::Settlement(i) => (
            trip.stops[i].point.name.clone(),
            Some(i),
            trip.stops[i].point.at,
        ),
        NightAt::Lodging(j) => (trip.lodgings[j].name.clone(), Some(j), trip.lodgings[j].at),
    };
    PlaceOut {
        kind: at.kind().to_owned(),
        name,
        index,
        lon: p.lon,
        lat: p.lat,
    }
}

/// The JSON itinerary of a planned trip.
#[must_use]
pub fn answer(trip: &RoadTrip, planned: &RoadItinerary) -> TripAnswer {
    let it = &planned.itinerary;
    let p = &planned.problem;
    TripAnswer {
        profile: trip.profile.clone(),
        overnight: trip.overnight.as_str().to_owned(),
        days: trip.days,
        hours: format!("{}-{}", clock(p.hours.start_s), clock(p.hours.end_s)),
        max_driving_s: p.max_driving_s,
        summary: SummaryOut {
            settlements: trip.stops.len(),
            visited: it.visited(),
            driving_s: it.driving_s(),
            distance_m: it.distance_m(),
        },
        vehicles: it
            .vehicles
            .iter()
            .map(|v| VehicleOut {
                vehicle: v.vehicle + 1,
                days: v
                    .days
                    .iter()
                    .map(|d| DayOut {
                        day: d.day + 1,
                        from: place(trip, d.from),
                        leave: clock(d.leave_s),
                        stops: d
                            .visits
                            .iter()
                            .enumerate()
                            .map(|(k, x)| {
                                let s = &trip.stops[x.settlement].point;
                                StopOut {
                                    order: k + 1,
                                    settlement: x.settlement,
                                    name: s.name.clone(),
                                    lon: s.at.lon,
                                    lat: s.at.lat,
                                    arrival: clock(x.arrival_s),
                                    departure: clock(x.departure_s),
                                    arrival_s: x.arrival_s,
                                    start_s: x.start_s,
                                    departure_s: x.departure_s,
                                    waiting_s: x.waiting_s(),
                                }
                            })
                            .collect(),
                        night: place(trip, d.night),
                        arrive: clock(d.arrive_s),
                        driving_s: d.driving_s,
                        distance_m: d.distance_m,
                    })
                    .collect(),
            })
            .collect(),
        unplanned: it
            .unplanned
            .iter()
            .map(|(i, why)| {
                let s = &trip.stops[*i].point;
                UnplannedOut {
                    settlement: *i,
                    name: s.name.clone(),
                    lon: s.at.lon,
                    lat: s.at.lat,
                    reason: why.kind().to_owned(),
                    message: why.message(),
                    reachability: match why {
                        Unplanned::NotReachable(Some(r)) => Some(ReasonOut::from(r)),
                        _ => None,
                    },
                }
            })
            .collect(),
    }
}

/// Degrees rounded to six decimals (about 0.1 m), as GeoJSON writers commonly do.
fn deg(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn position(p: LonLat) -> Value {
    json!([deg(p.lon), deg(p.lat)])
}

fn point_feature(lon: f64, lat: f64, properties: &Value) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": position(LonLat::new(lon, lat))},
        "properties": properties,
    })
}

/// The trip as a GeoJSON `FeatureCollection`: the headquarters (`role: home`), one
/// `LineString` per vehicle day with driving (`role: route`, on the roads), a `Point` per
/// visit (`role: stop`, with vehicle, day, order, arrival and departure), per night away
/// from home (`role: night`) and per settlement left out (`role: unplanned`, with the
/// reason).
#[must_use]
pub fn geojson(trip: &RoadTrip, planned: &RoadItinerary) -> Value {
    let a = answer(trip, planned);
    let mut features = vec![point_feature(
        trip.origin.lon,
        trip.origin.lat,
        &json!({"role": "home", "name": "home"}),
    )];
    for (v, geometry) in a.vehicles.iter().zip(&planned.geometry) {
        for (d, line) in v.days.iter().zip(geometry) {
            if line.len() >= 2 {
                features.push(json!({
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": line.iter().map(|&p| position(p)).collect::<Vec<_>>(),
                    },
                    "properties": {
                        "role": "route", "vehicle": v.vehicle, "day": d.day,
                        "driving_s": d.driving_s, "distance_m": d.distance_m,
                        "stops": d.stops.len(), "night": d.night.kind, "night_name": d.night.name,
                    },
                }));
            }
            for s in &d.stops {
                features.push(point_feature(
                    s.lon,
                    s.lat,
                    &json!({
                        "role": "stop", "vehicle": v.vehicle, "day": d.day, "order": s.order,
                        "name": s.name, "arrival": s.arrival, "departure": s.departure,
                        "waiting_s": s.waiting_s,
                    }),
                ));
            }
            if d.night.kind != "home" && d.day < a.days {
                features.push(point_feature(
                    d.night.lon,
                    d.night.lat,
                    &json!({
                        "role": "night", "vehicle": v.vehicle, "day": d.day,
                        "kind": d.night.kind, "name": d.night.name,
                    }),
                ));
            }
        }
    }
    for u in &a.unplanned {
        features.push(point_feature(
            u.lon,
            u.lat,
            &json!({"role": "unplanned", "name": u.name, "reason": u.reason, "message": u.message}),
        ));
    }
    json!({"type": "FeatureCollection", "features": features})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_and_durations_parse() {
        assert_eq!(parse_clock("09:00"), Ok(32_400));
        assert_eq!(parse_clock("24:00"), Ok(86_400));
        assert!(parse_clock("24:01").is_err() && parse_clock("9").is_err());
        assert_eq!(
            parse_hours("09:00-19:30"),
            Ok(DayWindow {
                start_s: 32_400,
                end_s: 70_200
            })
        );
        assert!(parse_hours("19:00-09:00").is_err());
        assert_eq!(parse_duration("6h"), Ok(21_600));
        assert_eq!(parse_duration("5h30m"), Ok(19_800));
        assert_eq!(parse_duration("90m"), Ok(5_400));
        assert_eq!(parse_duration("3600"), Ok(3_600));
        assert!(parse_duration("6x").is_err() && parse_duration("").is_err());
        assert!(parse_duration("h").is_err() && parse_duration("6h5").is_err());
        assert_eq!(clock(70_260), "19:31");
    }
}
