//! The gazetteer as a graph-file section ([`SECTION`](super::SECTION)).
//!
//! The section is UTF-8 JSON: `{"version": 1, "addresses": [...], "streets": [...],
//! "places": [...]}` holding the records only; the index is rebuilt when the section is
//! read (linear in the records). Reading checks the version, every coordinate (finite, in
//! WGS84 range), the required strings (a house number with a street or place; a name on
//! every street and place), string lengths and counts, so damaged bytes give a
//! [`GeocodeError::Malformed`], never a panic.

use serde::{Deserialize, Serialize};

use super::{GeocodeError, Street};
use crate::osm::{OsmAddress, OsmPlace};

/// Version of the section's layout.
const VERSION: u32 = 1;
/// Longest string accepted in a record.
const MAX_STRING: usize = 1024;

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    addresses: Vec<OsmAddress>,
    streets: Vec<Street>,
    places: Vec<OsmPlace>,
}

/// Addresses, streets and places, as stored.
pub(crate) type Records = (Vec<OsmAddress>, Vec<Street>, Vec<OsmPlace>);

/// The records as section bytes.
pub(crate) fn encode(addresses: &[OsmAddress], streets: &[Street], places: &[OsmPlace]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Out<'a> {
        version: u32,
        addresses: &'a [OsmAddress],
        streets: &'a [Street],
        places: &'a [OsmPlace],
    }
    serde_json::to_vec(&Out {
        version: VERSION,
        addresses,
        streets,
        places,
    })
    .expect("plain records always serialise")
}

/// The records of section bytes, verified.
pub(crate) fn decode(bytes: &[u8]) -> Result<Records, GeocodeError> {
    let bad = |detail: String| GeocodeError::Malformed { detail };
    let s: Stored = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    if s.version != VERSION {
        return Err(bad(format!(
            "version {} (this build reads {VERSION})",
            s.version
        )));
    }
    if s.addresses.len().max(s.streets.len()).max(s.places.len()) >= u32::MAX as usize {
        return Err(bad("too many records".into()));
    }
    let long = |v: &[&String]| v.iter().any(|s| s.len() > MAX_STRING);
    for (i, a) in s.addresses.iter().enumerate() {
        if !a.location.is_valid()
            || a.housenumber.is_empty()
            || (a.street.is_empty() && a.place.is_empty())
            || long(&[&a.housenumber, &a.street, &a.place, &a.city, &a.postcode])
        {
            return Err(bad(format!("address {i} is invalid")));
        }
    }
    for (i, st) in s.streets.iter().enumerate() {
        let n = &st.names;
        if !st.location.is_valid()
            || n.is_empty()
            || long(&[&n.name, &n.name_ru, &n.name_en, &st.locality])
        {
            return Err(bad(format!("street {i} is invalid")));
        }
    }
    for (i, p) in s.places.iter().enumerate() {
        let n = &p.names;
        if !p.location.is_valid() || n.is_empty() || long(&[&n.name, &n.name_ru, &n.name_en]) {
            return Err(bad(format!("place {i} is invalid")));
        }
    }
    Ok((s.addresses, s.streets, s.places))
}
