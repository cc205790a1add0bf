//! Line and number scanning shared by the text readers.

use super::IoError;

/// Non-blank lines with their 1-based numbers, trimmed.
pub(super) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

/// A syntax error quoting at most 60 characters of `found`.
pub(super) fn syntax(line: usize, expected: &'static str, found: &str) -> IoError {
    IoError::Syntax {
        line,
        expected,
        found: found.chars().take(60).collect(),
    }
}

/// Exactly `N` finite numbers from the whitespace-separated fields of `text`.
pub(super) fn numbers<const N: usize>(
    line: usize,
    text: &str,
    expected: &'static str,
) -> Result<[f64; N], IoError> {
    let mut out = [0.0; N];
    let mut fields = text.split_whitespace();
    for slot in &mut out {
        let field = fields.next().ok_or_else(|| syntax(line, expected, text))?;
        *slot = field
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| syntax(line, expected, text))?;
    }
    if fields.next().is_some() {
        return Err(syntax(line, expected, text));
    }
    Ok(out)
}

/// `v` as a whole number in `0..=max`.
pub(super) fn whole(line: usize, what: &'static str, v: f64, max: u64) -> Result<u64, IoError> {
    #[expect(
        clippy::cast_precision_loss,
        reason = "the limits used are far below 2^53, so the comparison is exact"
    )]
    let in_range = v >= 0.0 && v.fract() == 0.0 && v <= max as f64;
    if !in_range {
        return Err(IoError::OutOfRange {
            line,
            what,
            value: v,
        });
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked above: a whole number in 0..=max"
    )]
    Ok(v as u64)
}

/// `v` as an `i32` amount (demand or capacity), whole and in `i32` range.
pub(super) fn amount(line: usize, what: &'static str, v: f64) -> Result<i32, IoError> {
    let ok = v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX);
    if !ok {
        return Err(IoError::OutOfRange {
            line,
            what,
            value: v,
        });
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "checked above: whole and in i32 range"
    )]
    Ok(v as i32)
}

/// Parses an unsigned id or count field.
pub(super) fn id(line: usize, field: &str, expected: &'static str) -> Result<u64, IoError> {
    field
        .parse::<u64>()
        .map_err(|_| syntax(line, expected, field))
}

/// `v` as a non-negative `i32` amount (demand or capacity).
pub(super) fn non_negative_amount(line: usize, what: &'static str, v: f64) -> Result<i32, IoError> {
    let a = amount(line, what, v)?;
    if a < 0 {
        return Err(IoError::OutOfRange {
            line,
            what,
            value: a.into(),
        });
    }
    Ok(a)
}

/// A VRPLIB `DIMENSION` value: a node count in `2..=MAX_LOCATIONS`.
pub(super) fn dimension(line: usize, value: &str) -> Result<usize, IoError> {
    let n = id(line, value, "a node count")?;
    let limit = super::MAX_LOCATIONS as u64;
    if !(2..=limit).contains(&n) {
        return Err(IoError::TooMany {
            what: "DIMENSION",
            count: n,
            limit,
        });
    }
    usize::try_from(n).map_err(|_| syntax(line, "a node count", value))
}

/// Accepts a header `value` equal (ignoring ASCII case) to one of `allowed`.
pub(super) fn require(what: &'static str, value: &str, allowed: &[&str]) -> Result<(), IoError> {
    if allowed.iter().any(|a| value.eq_ignore_ascii_case(a)) {
        Ok(())
    } else {
        Err(IoError::Unsupported {
            what,
            value: value.to_string(),
        })
    }
}
