//! `exclude` in vmeste's own planning APIs (reachability, remote trips): the classes of
//! roads a request may not use, as OSRM's `exclude=` names them (`motorway`, `toll`,
//! `ferry`, `unpaved`; each profile declares its own, listed in `/health`). An unknown or
//! undeclared class is 422 `invalid_field` (field `exclude`) with the OSRM side's wording,
//! which lists the profile's classes.

use axum::http::StatusCode;
use engine::dispatch::{DispatchError, Engine};
use engine::osm::ExcludeSet;
use serde_json::json;

use super::error::V1Error;

/// Most names one `exclude` list takes (there are four classes; repeats count once).
pub const MAX_NAMES: usize = 16;

/// The class set of `names` on `profile` (`None` or empty: none).
///
/// # Errors
/// 422 `invalid_field` for too many names, an unknown class or one the profile does not
/// declare; 422 `unknown_profile` for a profile that is not loaded.
pub fn exclude_set(
    engine: &Engine,
    profile: &str,
    names: Option<&[String]>,
) -> Result<ExcludeSet, V1Error> {
    let names = names.unwrap_or_default();
    if names.len() > MAX_NAMES {
        return Err(V1Error::invalid(
            "exclude",
            format!(
                "exclude lists {} classes, at most {MAX_NAMES} are taken",
                names.len()
            ),
        ));
    }
    if let Some(i) = names.iter().position(String::is_empty) {
        return Err(
            V1Error::invalid("exclude", format!("exclude[{i}] is an empty class name"))
                .with_details(json!({"field": "exclude", "index": i})),
        );
    }
    engine
        .exclude_set(profile, names.iter().map(String::as_str))
        .map_err(|e| match e {
            DispatchError::UnknownProfile { .. } => V1Error::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_profile",
                format!(
                    "unknown profile {:?} (loaded: {})",
                    profile.chars().take(40).collect::<String>(),
                    engine.profiles().join(", ")
                ),
            ),
            other => V1Error::invalid("exclude", other.to_string()),
        })
}
