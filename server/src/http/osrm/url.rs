//! OSRM's URL form: `/{service}/{version}/{profile}/{coordinates}[.json]?{options}`, and the
//! coordinate list: `lon,lat;lon,lat…`, `polyline(…)` (precision 5) or `polyline6(…)`.

use engine::types::LonLat;

use crate::http::error::{ApiError, ErrorCode};

/// The OSRM services vmeste answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// `/route`: the fastest route through the coordinates in order.
    Route,
    /// `/table`: durations (and distances) between all pairs.
    Table,
    /// `/nearest`: the nearest road positions of one coordinate.
    Nearest,
    /// `/trip`: the best visiting order.
    Trip,
}

impl Service {
    /// Every service, for metrics.
    pub const ALL: [Self; 4] = [Self::Route, Self::Table, Self::Nearest, Self::Trip];

    /// The name in URLs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Route => "route",
            Self::Table => "table",
            Self::Nearest => "nearest",
            Self::Trip => "trip",
        }
    }

    /// Parses a service name.
    ///
    /// # Errors
    /// `InvalidService` for an unknown name or an OSRM service vmeste does not offer.
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        match name {
            "route" => Ok(Self::Route),
            "table" => Ok(Self::Table),
            "nearest" => Ok(Self::Nearest),
            "trip" => Ok(Self::Trip),
            "match" | "tile" => Err(ApiError::new(
                ErrorCode::InvalidService,
                format!(
                    "Service {name} is not offered by vmeste (route, table, nearest, trip are)"
                ),
            )),
            _ => Err(ApiError::new(
                ErrorCode::InvalidService,
                format!("Service {} not found!", truncate(name)),
            )),
        }
    }
}

/// A URL's path, split into its parts (coordinates still unparsed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsrmPath {
    /// The service.
    pub service: Service,
    /// The profile (`car`, `foot`, …).
    pub profile: String,
    /// The coordinates part, percent-decoded, without `.json`; `None` for a POST path.
    pub coordinates: Option<String>,
}

/// At most this many bytes of user input are quoted back in messages.
const QUOTE_MAX: usize = 60;

/// `s` cut to a short quote for an error message.
pub(crate) fn truncate(s: &str) -> String {
    if s.len() <= QUOTE_MAX {
        return s.to_owned();
    }
    let mut end = QUOTE_MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn percent_decode(s: &str) -> Result<String, ApiError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let v = hex
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidUrl,
                        format!("URL string malformed close to position {i}: bad percent-encoding"),
                    )
                })?;
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ApiError::new(ErrorCode::InvalidUrl, "URL is not UTF-8"))
}

/// Splits a request path. `with_coordinates` is `true` for GET (4 parts), `false` for POST
/// (3 parts: the coordinates come in the body).
///
/// # Errors
/// `InvalidUrl` for a wrong number of parts or bad percent-encoding, `InvalidService`,
/// `InvalidVersion` (only `v1` exists).
pub fn parse_path(raw_path: &str, with_coordinates: bool) -> Result<OsrmPath, ApiError> {
    let path = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let parts: Vec<&str> = path.splitn(4, '/').collect();
    let malformed = || {
        let want = if with_coordinates {
            "/{service}/v1/{profile}/{coordinates}"
        } else {
            "/{service}/v1/{profile} with the coordinates in a JSON body"
        };
        ApiError::new(
            ErrorCode::InvalidUrl,
            format!(
                "URL string malformed: expected {want}, got {}",
                truncate(raw_path)
            ),
        )
    };
    let service = Service::parse(&percent_decode(parts[0])?)?;
    let version = parts.get(1).ok_or_else(malformed)?;
    if *version != "v1" {
        return Err(ApiError::new(
            ErrorCode::InvalidVersion,
            format!(
                "Service {} has no version {}: only v1",
                service.as_str(),
                truncate(version)
            ),
        ));
    }
    let profile = percent_decode(parts.get(2).ok_or_else(malformed)?)?;
    if profile.is_empty() {
        return Err(malformed());
    }
    let coordinates = match (with_coordinates, parts.get(3)) {
        (true, Some(c)) if !c.is_empty() => {
            let c = percent_decode(c)?;
            Some(match c.strip_suffix(".json") {
                Some(stripped) => stripped.to_owned(),
                None if c.ends_with(".flatbuffers") => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidUrl,
                        "format flatbuffers is not supported; use json",
                    ));
                }
                None => c,
            })
        }
        (false, None) => None,
        _ => return Err(malformed()),
    };
    Ok(OsrmPath {
        service,
        profile,
        coordinates,
    })
}

fn parse_number(s: &str, what: &str, index: usize) -> Result<f64, ApiError> {
    s.trim().parse::<f64>().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidQuery,
            format!(
                "Query string malformed: {what} of coordinate {index} is not a number: {:?}",
                truncate(s)
            ),
        )
    })
}

/// Parses a coordinate list (`lon,lat;…` or `polyline(…)`/`polyline6(…)`), stopping with
/// `TooBig` as soon as there are more than `max` coordinates.
///
/// Values are not range-checked here (see [`check_coordinates`]).
///
/// # Errors
/// `InvalidQuery` for a malformed list or polyline, `TooBig` past `max`.
pub fn parse_coordinates(s: &str, max: usize) -> Result<Vec<LonLat>, ApiError> {
    let too_big = || {
        ApiError::new(
            ErrorCode::TooBig,
            format!("Number of coordinates is higher than the maximum ({max})"),
        )
    };
    for (prefix, precision) in [("polyline6(", 6), ("polyline(", 5)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            let inner = rest.strip_suffix(')').ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidQuery,
                    "Query string malformed: polyline without closing parenthesis",
                )
            })?;
            // Each coordinate takes at least two characters of polyline.
            if inner.len() > max.saturating_mul(12) {
                return Err(too_big());
            }
            let line = polyline::decode_polyline(inner, precision).map_err(|e| {
                ApiError::new(
                    ErrorCode::InvalidQuery,
                    format!("Query string malformed: broken polyline: {e}"),
                )
            })?;
            let coords: Vec<LonLat> = line.0.iter().map(|c| LonLat::new(c.x, c.y)).collect();
            if coords.len() > max {
                return Err(too_big());
            }
            if coords.is_empty() {
                return Err(ApiError::new(
                    ErrorCode::InvalidQuery,
                    "Query string malformed: empty polyline",
                ));
            }
            return Ok(coords);
        }
    }
    let mut out = Vec::new();
    for (i, pair) in s.split(';').enumerate() {
        if i >= max {
            return Err(too_big());
        }
        let (lon, lat) = pair.split_once(',').ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidQuery,
                format!(
                    "Query string malformed: coordinate {i} is not lon,lat: {:?}",
                    truncate(pair)
                ),
            )
        })?;
        out.push(LonLat::new(
            parse_number(lon, "longitude", i)?,
            parse_number(lat, "latitude", i)?,
        ));
    }
    Ok(out)
}

/// Checks that every coordinate is a finite WGS84 position.
///
/// # Errors
/// `InvalidValue` naming the first bad coordinate.
pub fn check_coordinates(coords: &[LonLat]) -> Result<(), ApiError> {
    match coords.iter().position(|c| !c.is_valid()) {
        None => Ok(()),
        Some(i) => Err(ApiError::new(
            ErrorCode::InvalidValue,
            format!(
                "Invalid coordinate value: coordinate {i} ({}, {}) is outside longitude -180..180, latitude -90..90",
                coords[i].lon, coords[i].lat
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_get_and_post_paths() {
        let p = parse_path("/route/v1/car/7.41,43.73;7.42,43.74.json", true).unwrap();
        assert_eq!(p.service, Service::Route);
        assert_eq!(p.profile, "car");
        assert_eq!(p.coordinates.as_deref(), Some("7.41,43.73;7.42,43.74"));
        let p = parse_path("/table/v1/foot", false).unwrap();
        assert_eq!((p.service, p.coordinates), (Service::Table, None));
        let p = parse_path("/route/v1/car/7.41%2C43.73%3B7.42,43.74", true).unwrap();
        assert_eq!(p.coordinates.as_deref(), Some("7.41,43.73;7.42,43.74"));
    }

    #[test]
    fn path_errors_have_osrm_codes() {
        let code = |p: &str, get: bool| parse_path(p, get).unwrap_err().code;
        assert_eq!(code("/foo/v1/car/1,2", true), ErrorCode::InvalidService);
        assert_eq!(code("/match/v1/car/1,2", true), ErrorCode::InvalidService);
        assert_eq!(code("/route/v2/car/1,2", true), ErrorCode::InvalidVersion);
        assert_eq!(code("/route/v1/car", true), ErrorCode::InvalidUrl);
        assert_eq!(code("/route/v1/car/", true), ErrorCode::InvalidUrl);
        assert_eq!(code("/route/v1//1,2", true), ErrorCode::InvalidUrl);
        assert_eq!(code("/route/v1/car/1,2", false), ErrorCode::InvalidUrl);
        assert_eq!(code("/route/v1/car/1,2%zz", true), ErrorCode::InvalidUrl);
        assert_eq!(
            code("/route/v1/car/1,2.flatbuffers", true),
            ErrorCode::InvalidUrl
        );
    }

    #[test]
    fn parses_plain_and_polyline_coordinates() {
        let c = parse_coordinates("7.41,43.73;7.42,43.74", 10).unwrap();
        assert_eq!(c, vec![LonLat::new(7.41, 43.73), LonLat::new(7.42, 43.74)]);
        // OSRM's docs example: polyline of (lat, lon) pairs at precision 5.
        let line = polyline::encode_coordinates(
            [
                geo::coord! { x: 7.41, y: 43.73 },
                geo::coord! { x: 7.42, y: 43.74 },
            ],
            5,
        )
        .unwrap();
        let c = parse_coordinates(&format!("polyline({line})"), 10).unwrap();
        assert!(
            (c[1].lon - 7.42).abs() < 1e-9 && (c[1].lat - 43.74).abs() < 1e-9,
            "{c:?}"
        );
        let line6 = polyline::encode_coordinates([geo::coord! { x: 7.41, y: 43.73 }], 6).unwrap();
        let c = parse_coordinates(&format!("polyline6({line6})"), 10).unwrap();
        assert!((c[0].lat - 43.73).abs() < 1e-9);
    }

    #[test]
    fn malformed_coordinates_are_invalid_query() {
        for bad in [
            "abc",
            "7.41",
            "7.41,",
            ",43",
            "7.41,43.73;",
            "7.41;43.73",
            "polyline(",
            "polyline(\u{1}\u{1})",
            "polyline(_)",
            "polyline()",
        ] {
            let e = parse_coordinates(bad, 10).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidQuery, "{bad}: {e}");
        }
        assert_eq!(
            parse_coordinates("1,2;1,2;1,2", 2).unwrap_err().code,
            ErrorCode::TooBig
        );
    }

    #[test]
    fn out_of_range_and_nan_coordinates_are_invalid_value() {
        for bad in ["7.41,91", "181,43", "NaN,43", "7,inf", "-181,0"] {
            let c = parse_coordinates(bad, 10).unwrap();
            assert_eq!(
                check_coordinates(&c).unwrap_err().code,
                ErrorCode::InvalidValue,
                "{bad}"
            );
        }
        assert!(check_coordinates(&parse_coordinates("180,90;-180,-90", 10).unwrap()).is_ok());
    }
}
