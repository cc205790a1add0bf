//! Instants on the board: whole seconds since the Unix epoch, written as RFC 3339.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
///
/// On the wire it is an RFC 3339 string: any offset is accepted on input
/// (`2026-12-04T09:30:00+03:00`), and instants are written in UTC (`2026-12-04T06:30:00Z`).
/// The board never reads the clock itself: every operation is given its `now`, so tests and
/// simulations run on virtual time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

/// Earliest instant the board accepts (1970-01-01).
pub const MIN_TIME: Time = Time(0);
/// Latest instant the board accepts (9999-12-31T23:59:59Z).
pub const MAX_TIME: Time = Time(253_402_300_799);

impl Time {
    /// Parses an RFC 3339 instant with an offset (`Z` or `±hh:mm`); fractions of a second
    /// are dropped.
    ///
    /// # Errors
    /// A message naming what is wrong when `s` is not such an instant or lies outside
    /// [`MIN_TIME`]..=[`MAX_TIME`].
    pub fn parse_rfc3339(s: &str) -> Result<Self, String> {
        let ts: jiff::Timestamp = s.parse().map_err(|e| {
            format!(
                "{s:?} is not an RFC 3339 time with an offset (e.g. 2026-12-04T09:30:00+03:00): {e}"
            )
        })?;
        let t = Time(ts.as_second());
        if t < MIN_TIME || t > MAX_TIME {
            return Err(format!("{s:?} is outside 1970..=9999"));
        }
        Ok(t)
    }

    /// This instant plus `seconds` (saturating).
    #[must_use]
    pub fn plus(self, seconds: i64) -> Self {
        Time(self.0.saturating_add(seconds))
    }

    /// Seconds since the epoch.
    #[must_use]
    pub fn unix_s(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match jiff::Timestamp::from_second(self.0) {
            Ok(ts) => write!(f, "{}", ts.strftime("%Y-%m-%dT%H:%M:%SZ")),
            Err(_) => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Time::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Time {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::DateTime,
            )))
            .description(Some("RFC 3339 instant with an offset"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Time {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_read_and_utc_is_written() {
        let t = Time::parse_rfc3339("2026-12-04T09:30:00+03:00").unwrap();
        assert_eq!(t.to_string(), "2026-12-04T06:30:00Z");
        assert_eq!(Time::parse_rfc3339(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn times_without_offsets_or_out_of_range_are_refused() {
        for bad in [
            "2026-12-04T09:30:00",
            "yesterday",
            "",
            "1969-12-31T23:59:59Z",
        ] {
            assert!(Time::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}
