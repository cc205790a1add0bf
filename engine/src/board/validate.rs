//! Checks on what clients send, before anything is stored. Each failure names the field.

use super::error::{BoardError, invalid};
use super::model::{KNOWN_SKILLS, Point, Window, is_valid_skill};
use crate::types::LonLat;

/// Longest name, phone, label or region, in characters.
pub const MAX_SHORT_TEXT: usize = 200;
/// Longest address, in characters.
pub const MAX_ADDRESS: usize = 500;
/// Longest notes, in characters.
pub const MAX_NOTES: usize = 4_000;
/// Most skills on a record.
pub const MAX_SKILLS: usize = 16;
/// Most shifts or time windows on a record.
pub const MAX_WINDOWS: usize = 64;
/// Longest shift or time window, in seconds (14 days).
pub const MAX_WINDOW_S: i64 = 14 * 24 * 3600;

/// A text field: trimmed, not empty unless `may_be_empty`, at most `max` characters, no
/// control characters.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn text(field: &str, s: &str, max: usize, may_be_empty: bool) -> Result<String, BoardError> {
    let t = s.trim();
    if t.is_empty() && !may_be_empty {
        return Err(invalid(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(invalid(field, format!("longer than {max} characters")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(t.to_owned())
}

/// A phone number: 3–32 characters of digits, spaces, `+ - ( ) .`, with at least 3 digits.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn phone(field: &str, s: &str) -> Result<String, BoardError> {
    let t = s.trim();
    let ok_chars = t
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if !ok_chars || !(3..=32).contains(&t.len()) || digits < 3 {
        return Err(invalid(
            field,
            "a phone number: 3 to 32 characters of digits, spaces and + - ( ) .",
        ));
    }
    Ok(t.to_owned())
}

/// A position `[lon, lat]` in range.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn point(field: &str, p: Point) -> Result<Point, BoardError> {
    if LonLat::new(p[0], p[1]).is_valid() {
        Ok(p)
    } else {
        Err(invalid(
            field,
            "[lon, lat] with lon in -180..=180 and lat in -90..=90",
        ))
    }
}

/// Skills: valid names, at most [`MAX_SKILLS`], sorted and deduplicated.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn skills(field: &str, list: &[String]) -> Result<Vec<String>, BoardError> {
    if list.len() > MAX_SKILLS {
        return Err(invalid(field, format!("at most {MAX_SKILLS} skills")));
    }
    let mut out = Vec::with_capacity(list.len());
    for s in list {
        if !is_valid_skill(s) {
            return Err(invalid(
                field,
                format!(
                    "{s:?} is not a skill name (lowercase letters, digits, _; e.g. {})",
                    KNOWN_SKILLS.join(", ")
                ),
            ));
        }
        out.push(s.clone());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Windows: each `start < end`, at most [`MAX_WINDOW_S`] long, at most [`MAX_WINDOWS`];
/// returned sorted; with `disjoint`, overlapping windows are refused.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn windows(field: &str, list: &[Window], disjoint: bool) -> Result<Vec<Window>, BoardError> {
    if list.len() > MAX_WINDOWS {
        return Err(invalid(field, format!("at most {MAX_WINDOWS} windows")));
    }
    let mut out = list.to_vec();
    for (i, w) in out.iter().enumerate() {
        if w.start >= w.end {
            return Err(invalid(format!("{field}[{i}]"), "start must be before end"));
        }
        if w.end.0 - w.start.0 > MAX_WINDOW_S {
            return Err(invalid(format!("{field}[{i}]"), "longer than 14 days"));
        }
    }
    out.sort_by_key(|w| (w.start, w.end));
    if disjoint && out.windows(2).any(|p| p[1].start < p[0].end) {
        return Err(invalid(field, "windows overlap"));
    }
    Ok(out)
}

/// A finite number in `lo..=hi`.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn number(field: &str, x: f64, lo: f64, hi: f64) -> Result<f64, BoardError> {
    if x.is_finite() && (lo..=hi).contains(&x) {
        Ok(x)
    } else {
        Err(invalid(field, format!("a number in {lo}..={hi}")))
    }
}

/// A whole number in `lo..=hi`.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn count(field: &str, x: u32, lo: u32, hi: u32) -> Result<u32, BoardError> {
    if (lo..=hi).contains(&x) {
        Ok(x)
    } else {
        Err(invalid(field, format!("a whole number in {lo}..={hi}")))
    }
}

/// An IANA time zone known to this machine's time-zone database.
///
/// # Errors
/// [`BoardError::Invalid`] naming `field`.
pub fn timezone(field: &str, tz: &str) -> Result<String, BoardError> {
    let t = text(field, tz, 64, false)?;
    jiff::tz::TimeZone::get(&t).map(|_| t.clone()).map_err(|_| {
        invalid(
            field,
            format!("{t:?} is not an IANA time zone (e.g. Europe/Moscow)"),
        )
    })
}
