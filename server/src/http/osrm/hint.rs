//! Hints on the wire: [`engine::dispatch::Hint`] bytes in URL-safe base64 (`A–Z a–z 0–9 - _`,
//! no padding), as OSRM's hints use an URL-safe alphabet so they go in a query string
//! unescaped.

use engine::dispatch::Hint;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A hint as OSRM clients see it: 43 characters of URL-safe base64.
#[must_use]
pub fn encode(hint: &Hint) -> String {
    let bytes = hint.to_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..=chunk.len() {
            let six = (v >> (18 - 6 * k)) & 63;
            out.push(char::from(ALPHABET[six as usize]));
        }
    }
    out
}

/// Why a hint string is not a hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HintError {
    /// A character outside the URL-safe base64 alphabet (OSRM's grammar refuses it).
    Character,
    /// Valid base64 whose bytes are not a vmeste hint (wrong length).
    NotAHint,
}

/// Decodes [`encode`]'s output (standard `+/` and trailing `=` are accepted too).
///
/// # Errors
/// [`HintError::Character`] for a character outside base64, [`HintError::NotAHint`] when the
/// bytes are not a hint.
pub fn decode(s: &str) -> Result<Hint, HintError> {
    let s = s.trim_end_matches('=');
    let mut bytes = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let six = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return Err(HintError::Character),
        };
        acc = (acc << 6) | u32::from(six);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push(((acc >> bits) & 0xff).to_le_bytes()[0]);
        }
    }
    Hint::from_bytes(&bytes).ok_or(HintError::NotAHint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::types::{EdgeId, LonLat};

    #[test]
    fn hints_round_trip_through_base64() {
        for (i, lon) in [-179.9, -8.61, 0.0, 7.4213, 179.99].into_iter().enumerate() {
            let h = Hint {
                edge: EdgeId(u32::try_from(i).unwrap() * 7_919),
                segment: u32::MAX - u32::try_from(i).unwrap(),
                location: LonLat::new(lon, 43.7 - lon / 10.0),
                graph: 0x0123_4567_89ab_cdef ^ u64::try_from(i).unwrap(),
            };
            let s = encode(&h);
            assert_eq!(s.len(), 43);
            assert!(s.bytes().all(|c| ALPHABET.contains(&c)), "{s}");
            assert_eq!(decode(&s), Ok(h));
        }
        assert_eq!(decode("abc$"), Err(HintError::Character));
        assert_eq!(decode("abcd"), Err(HintError::NotAHint));
        assert_eq!(decode(""), Err(HintError::NotAHint));
    }
}
